#!/usr/bin/env python3
"""scripts/regenerate-reports writes only this machine's folder, through a staged folder.

A fake bench stands in for the real one (a full run takes minutes): `run` writes one result
with the machine given in $FAKE_MACHINE, `report` writes index.md or fails when $FAKE_FAIL is set.
Usage: regenerate_reports_test.py SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

SOURCE = sys.argv[1]
SCRIPT = os.path.join(SOURCE, "scripts", "regenerate-reports")

FAKE_BENCH = r'''#!/usr/bin/env python3
import json, os, sys
args = sys.argv[1:]
if args[0] == "run":
    out = args[args.index("--out") + 1]
    machine = json.loads(os.environ["FAKE_MACHINE"])
    with open(os.path.join(out, "20260101T000000Z-" + machine["id"] + ".json"), "w") as f:
        json.dump({"schema": "claimbench.result", "machine": machine, "claims": []}, f)
elif args[0] == "report":
    if os.environ.get("FAKE_FAIL"):
        sys.exit(2)
    inputs = [a for a in args[1:args.index("-o")]]
    with open(os.path.join(args[args.index("-o") + 1], "index.md"), "w") as f:
        f.write("# notes of %d result(s)\n[false-sharing](false-sharing.md)\n" % len(inputs))
'''

ZEN4 = {"id": "f254ab05a1cf", "cpu_vendor": "AuthenticAMD", "cpu_family": "25",
        "cpu_model_number": "17", "cpu_model": "AMD EPYC", "pus": 2}
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def tree(folder):
    found = {}
    for dirpath, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(dirpath, name)
            with open(path) as f:
                found[os.path.relpath(path, folder)] = f.read()
    return found


def regenerate(tmp, reports, machine, fail=False, args=()):
    bench = os.path.join(tmp, "fake-bench")
    with open(bench, "w") as f:
        f.write(FAKE_BENCH)
    os.chmod(bench, 0o755)
    env = {**os.environ, "CLAIMBENCH_BENCH": bench, "CLAIMBENCH_REPORTS": reports,
           "FAKE_MACHINE": json.dumps(machine)}
    if fail:
        env["FAKE_FAIL"] = "1"
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, env=env, timeout=60)


def seed(reports, folder, machine, page):
    os.makedirs(os.path.join(reports, folder))
    with open(os.path.join(reports, folder, "result.json"), "w") as f:
        json.dump({"machine": machine}, f)
    with open(os.path.join(reports, folder, page), "w") as f:
        f.write("kept\n")


with tempfile.TemporaryDirectory() as tmp:
    reports = os.path.join(tmp, "reports")
    other = {**ZEN4, "id": "e727eba4", "cpu_family": "26", "cpu_model_number": "2"}
    seed(reports, "e727eba4", other, "false-sharing.md")
    before = tree(os.path.join(reports, "e727eba4"))

    # A new machine: its folder appears, the other machine's is untouched, no staging left.
    result = regenerate(tmp, reports, ZEN4)
    check(result.returncode == 0, f"new machine: exit {result.returncode}: {result.stderr}")
    check(tree(os.path.join(reports, "e727eba4")) == before, "new machine: other folder changed")
    check(sorted(os.listdir(reports)) == ["all-cpus", "e727eba4", "f254ab05a1cf", "index.md"],
          f"new machine: reports/ holds {sorted(os.listdir(reports))}")
    # The cross-CPU view reads both machines' results; its index's links go through all-cpus/.
    index = open(os.path.join(reports, "index.md")).read()
    check("notes of 2 result(s)" in index and "](all-cpus/false-sharing.md)" in index,
          f"cross-CPU index: {index!r}")
    check(sorted(tree(os.path.join(reports, "f254ab05a1cf"))) == ["index.md", "result.json"],
          "new machine: folder is not result.json + notes")

    # The same machine again: its old pages go, the other machine's stay.
    with open(os.path.join(reports, "f254ab05a1cf", "stale.md"), "w") as f:
        f.write("stale\n")
    result = regenerate(tmp, reports, ZEN4)
    check(result.returncode == 0, f"same machine: exit {result.returncode}: {result.stderr}")
    check("stale.md" not in os.listdir(os.path.join(reports, "f254ab05a1cf")),
          "same machine: stale page kept")
    check(tree(os.path.join(reports, "e727eba4")) == before, "same machine: other folder changed")

    # Another CPU that shares an id (the old 8-digit form could collide): refused, untouched.
    collider = {**ZEN4, "id": "e727eba4"}
    result = regenerate(tmp, reports, collider)
    check(result.returncode == 1, f"collision: exit {result.returncode}, wanted 1")
    check("another CPU with the same id" in result.stderr and "cpu_family" in result.stderr,
          f"collision: message was {result.stderr!r}")
    check(tree(os.path.join(reports, "e727eba4")) == before, "collision: other folder changed")

    # The report fails: the existing notes stay as they were, nothing staged is left behind.
    kept = tree(os.path.join(reports, "f254ab05a1cf"))
    result = regenerate(tmp, reports, ZEN4, fail=True)
    check(result.returncode != 0, "failed report: exit 0")
    check(tree(os.path.join(reports, "f254ab05a1cf")) == kept, "failed report: notes changed")
    check(sorted(os.listdir(reports)) == ["all-cpus", "e727eba4", "f254ab05a1cf", "index.md"],
          f"failed report: reports/ holds {sorted(os.listdir(reports))}")

    # --from: the notes of a finished run, no run made (the fake bench's `run` would write the
    # other machine); the result is copied in as it is. Bad arguments: exit 2, nothing written.
    finished = os.path.join(tmp, "finished.json")
    with open(finished, "w") as f:
        json.dump({"schema": "claimbench.result", "machine": ZEN4, "claims": [], "mark": 7}, f)
    result = regenerate(tmp, reports, other, args=["--from", finished])
    check(result.returncode == 0, f"--from: exit {result.returncode}: {result.stderr}")
    with open(os.path.join(reports, "f254ab05a1cf", "result.json")) as f:
        check(json.load(f).get("mark") == 7, "--from: the given result was not the one used")
    check(tree(os.path.join(reports, "e727eba4")) == before, "--from: other folder changed")
    # --from with two parts of one machine's run (an interrupted run and the run of the claims
    # it did not finish): both kept, both reported, and the cross-CPU view reads both.
    part2 = os.path.join(tmp, "part2.json")
    with open(part2, "w") as f:
        json.dump({"schema": "claimbench.result", "machine": ZEN4, "claims": [], "mark": 8}, f)
    result = regenerate(tmp, reports, other, args=["--from", finished, part2])
    check(result.returncode == 0, f"--from two parts: exit {result.returncode}: {result.stderr}")
    folder = os.path.join(reports, "f254ab05a1cf")
    with open(os.path.join(folder, "result.json")) as f:
        check(json.load(f).get("mark") == 7, "--from two parts: result.json is not the first")
    with open(os.path.join(folder, "result-2.json")) as f:
        check(json.load(f).get("mark") == 8, "--from two parts: result-2.json is not the second")
    with open(os.path.join(folder, "index.md")) as f:
        check("notes of 2 result(s)" in f.read(), "--from two parts: notes not of both parts")
    with open(os.path.join(reports, "index.md")) as f:
        check("notes of 3 result(s)" in f.read(), "--from two parts: cross-CPU view missed one")
    check(tree(os.path.join(reports, "e727eba4")) == before, "--from two parts: other changed")

    kept = tree(reports)
    absent = os.path.join(tmp, "absent.json")
    elsewhere = os.path.join(tmp, "elsewhere.json")
    with open(elsewhere, "w") as f:
        json.dump({"schema": "claimbench.result", "machine": other, "claims": []}, f)
    for bad, message in ((["--from"], "got none"), (["--from", absent], "absent.json' is not"),
                         (["--from", finished, absent], "absent.json' is not"),
                         (["--from", finished, elsewhere], "from different machines")):
        result = regenerate(tmp, reports, ZEN4, args=bad)
        check(result.returncode == 2 and message in result.stderr,
              f"--from {bad[1:]}: exit {result.returncode}, {result.stderr!r}")
    check(tree(reports) == kept, "--from with bad arguments changed reports/")

if failures:
    print("FAIL regenerate-reports:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("ok regenerate-reports")
