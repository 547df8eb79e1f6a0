#!/usr/bin/env python3
"""CLI tests on the real bench binary: bad input gives a clear message, exit 2, nothing written.

Usage: cli_test.py BENCH SOURCE_DIR CASE
"""
import os
import subprocess
import sys
import tempfile

BENCH, SOURCE, CASE = sys.argv[1], sys.argv[2], sys.argv[3]


def bench(*args, env=None):
    return subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=50,
                          env={**os.environ, **(env or {})})


def expect(result, code, *needles, stream="stderr"):
    text = getattr(result, stream)
    problems = []
    if result.returncode != code:
        problems.append(f"exit {result.returncode}, wanted {code}")
    problems += [f"missing {n!r}" for n in needles if n not in text]
    if problems:
        print(f"FAIL {CASE}: {'; '.join(problems)}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
        sys.exit(1)


def expect_nothing_written(out_dir):
    left = os.listdir(out_dir) if os.path.exists(out_dir) else []
    if left:
        print(f"FAIL {CASE}: wrote {left} into {out_dir}")
        sys.exit(1)


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "results")
    if CASE == "unknown-claim":
        expect(bench("run", "--claim", "false-sharin", "--out", out), 2,
               "unknown claim 'false-sharin'", "did you mean: false-sharing")
        expect_nothing_written(out)
    elif CASE == "bad-cpus":
        expect(bench("--claim", "false-sharing", "--cpus", "0,x", "--out", out), 2,
               "bad CPU list '0,x'", "'x' is not a CPU number")
        expect_nothing_written(out)
    elif CASE == "missing-cpu":
        expect(bench("--claim", "false-sharing", "--cpus", "0,4095", "--out", out), 2,
               "PU 4095 does not exist")
        expect_nothing_written(out)
    elif CASE == "bad-placement":
        expect(bench("--claim", "false-sharing", "--placement", "scatter", "--out", out), 2,
               "unknown placement 'scatter'")
        expect_nothing_written(out)
    elif CASE == "unknown-event":
        expect(bench("--claim", "false-sharing", "--events", "cycles,no-such-event", "--out", out),
               2, "unknown event 'no-such-event'")
        expect_nothing_written(out)
    elif CASE == "no-claim-given":
        expect(bench("run", "--out", out), 2, "--claim ID or --all")
        expect_nothing_written(out)
    elif CASE == "malformed-claim-file":
        claims = os.path.join(tmp, "claims")
        os.makedirs(claims)
        with open(os.path.join(SOURCE, "claims", "catalog.toml")) as f:
            catalog = f.read()
        with open(os.path.join(claims, "catalog.toml"), "w") as f:
            f.write(catalog)
        with open(os.path.join(SOURCE, "claims", "false-sharing.toml")) as f:
            lines = f.read().splitlines()
        lines.insert(3, "colour = \"blue\"")
        with open(os.path.join(claims, "false-sharing.toml"), "w") as f:
            f.write("\n".join(lines) + "\n")
        expect(bench("--claims-dir", claims, "run", "--claim", "false-sharing", "--out", out), 2,
               "false-sharing.toml:4: unknown key 'colour'")
        expect_nothing_written(out)
    elif CASE == "unwritable-out":
        blocker = os.path.join(tmp, "file")
        with open(blocker, "w") as f:
            f.write("x")
        expect(bench("--claim", "false-sharing", "--out", os.path.join(blocker, "sub")), 2,
               "cannot create output directory")
    elif CASE == "show":
        expect(bench("show", "false-sharing"), 0, "padding-helps", "004_92d502ed1f50cab4.txt",
               stream="stdout")
        expect(bench("show", "flase-sharing"), 2, "did you mean: false-sharing")
    elif CASE == "list":
        expect(bench("list"), 0, "false-sharing", "rwmutex-vs-mutex", "not encoded",
               stream="stdout")
    elif CASE == "sugar":
        # "bench --claim X" means "bench run --claim X": the same error proves the same path.
        expect(bench("--claim", "nope-nope", "--out", out), 2, "unknown claim 'nope-nope'")
    elif CASE == "topology-xml":
        xml = os.path.join(SOURCE, "tests", "data", "topo-2s8c-smt2.xml")
        expect(bench("topology", "--xml", xml, "--placement", "compact"), 0, "32 PUs, 16 cores",
               "t0->0 t1->1", stream="stdout")
        expect(bench("topology", "--xml", os.path.join(tmp, "absent.xml")), 2, "absent.xml")
    elif CASE == "help":
        expect(bench("--help"), 0, "run", "topology", stream="stdout")
        expect(bench("run", "--repetitions", "many"), 2, "repetitions")
    else:
        print(f"unknown case {CASE}")
        sys.exit(1)
print(f"ok {CASE}")
