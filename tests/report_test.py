#!/usr/bin/env python3
"""bench report and bench compare on fixture results from two CPUs (tests/data/results).

Usage: report_test.py BENCH SOURCE_DIR CASE
Approved outputs live in tests/baselines/; set UPDATE_BASELINES=1 to rewrite them after
reviewing a deliberate change.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

BENCH, SOURCE, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
DATA = os.path.join(SOURCE, "tests", "data")
FIXTURES = os.path.join(DATA, "results")
AMD = os.path.join(FIXTURES, "amd-epyc-vm.json")
INTEL = os.path.join(FIXTURES, "intel-xeon-fixture.json")
BASELINES = os.path.join(SOURCE, "tests", "baselines")
# A later run on the AMD machine with Go twins: false-sharing with a Go side (one opposite
# verdict, so a direct claim's fidelity failure), a go-only claim and one with no Go counterpart.
GO_RESULTS = os.path.join(DATA, "go-results")


def fail(message, result=None):
    print(f"FAIL {CASE}: {message}")
    if result is not None:
        print(f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    sys.exit(1)


def bench(*args, env=None):
    return subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1", **(env or {})})


def matches_baseline(name, text):
    path = os.path.join(BASELINES, name)
    if os.environ.get("UPDATE_BASELINES") == "1":
        with open(path, "w") as f:
            f.write(text)
        return
    with open(path) as f:
        approved = f.read()
    if text != approved:
        import difflib
        diff = "".join(difflib.unified_diff(approved.splitlines(True), text.splitlines(True),
                                            "approved/" + name, "produced/" + name))
        fail(f"output differs from tests/baselines/{name}:\n{diff}")


NO_CHARTS = {"CLAIMBENCH_PYTHON": os.path.join(SOURCE, "tests", "python-without-matplotlib")}


def mutation_test(tmp, count=1000, fixture=AMD):
    """Deterministic mutations of the fixture: every one gives exit 0 or 2 from report and
    compare (never an abort), and nothing is ever written outside -o."""
    import json
    import random
    from concurrent.futures import ThreadPoolExecutor
    base = json.load(open(fixture))
    base["benchmarks"] = base["benchmarks"][:2]  # not read by report; keeps the files small
    paths = []

    def walk(node, path):
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + [k])
        elif isinstance(node, list):
            for i, v in enumerate(node[:3]):
                walk(v, path + [i])
    walk(base, [])
    values = ["x", "../x", "NaN", "", -1, 0, 1, 2.5, -1e308, True, None, [], {}, [1, 2, 3],
              {"a": 1}, "@BIG@", "@HUGEINT@", "@NEGINT@", "@NAN@", "@INF@", 10 ** 30]
    literals = {'"@BIG@"': "1e400", '"@HUGEINT@"': "18446744073709551616",
                '"@NEGINT@"': "-9223372036854775809", '"@NAN@"': "NaN", '"@INF@"': "-Infinity"}
    rng = random.Random(20261123)
    cases = []
    for n in range(count):
        doc = json.loads(json.dumps(base))
        path = paths[1 + n % (len(paths) - 1)] if n < len(paths) - 1 else rng.choice(paths[1:])
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if rng.random() < 0.2:
            del parent[path[-1]]
        else:
            parent[path[-1]] = rng.choice(values)
        text = json.dumps(doc)
        for placeholder, literal in literals.items():
            text = text.replace(placeholder, literal)
        cases.append((n, path, text))

    def run(case):
        n, path, text = case
        work = os.path.join(tmp, f"m{n}")
        os.mkdir(work)
        file = os.path.join(work, "mutated.json")
        with open(file, "w") as f:
            f.write(text)
        out = os.path.join(work, "notes")
        problems = []
        r = bench("report", file, "-o", out, env=NO_CHARTS)
        if r.returncode not in (0, 2):
            problems.append(f"report exit {r.returncode}: {r.stderr[-300:]}")
        if r.returncode == 2 and os.path.exists(out):
            problems.append("report failed but wrote -o")
        c = bench("compare", file, INTEL)
        if c.returncode not in (0, 2):
            problems.append(f"compare exit {c.returncode}: {c.stderr[-300:]}")
        extra = sorted(set(os.listdir(work)) - {"mutated.json", "notes"})
        if extra or os.listdir(tmp).count(f"m{n}") != 1:
            problems.append(f"wrote outside -o: {extra}")
        return [f"mutation {n} at {path}: {p}" for p in problems], r.returncode

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, cases))
    problems = [p for ps, _ in results for p in ps]
    codes = [code for _, code in results]
    stray = [n for n in os.listdir(tmp) if not n.startswith("m")]
    if stray:
        problems.append(f"wrote outside the work folders: {stray}")
    print(f"{len(cases)} mutations: {codes.count(0)} reported, {codes.count(2)} refused (exit 2)")
    if problems:
        fail("\n".join(problems[:20]))


def check_gobench(text):
    """The Go benchmark format (golang.org/design/14313-benchmark-format), as benchstat reads it:
    configuration lines "key: value" (key: a lower-case first letter, no spaces or upper case),
    result lines "BenchmarkName iterations value unit [value unit...]" with the name starting
    with "Benchmark" followed by a non-lower-case character, no spaces, an integer iteration
    count and float values; every other line is ignored by the reader and must not appear."""
    import re
    config = re.compile(r"^[a-z][^\sA-Z:]*: .*$")
    seen_config, names = {}, {}
    for n, line in enumerate(text.splitlines(), 1):
        if config.match(line):
            key, value = line.split(": ", 1)
            seen_config[key] = value
            continue
        fields = line.split()
        if not fields or not re.match(r"^Benchmark($|[^a-z])", fields[0]):
            fail(f"line {n} is neither a configuration nor a result line: {line!r}")
        if len(fields) < 4 or len(fields) % 2:
            fail(f"line {n}: expected name, iterations and value-unit pairs: {line!r}")
        int(fields[1])
        for value, unit in zip(fields[2::2], fields[3::2]):
            float(value)
            if not unit or " " in unit:
                fail(f"line {n}: bad unit {unit!r}")
        if fields[3] != "ns/op":
            fail(f"line {n}: the first value must be ns/op: {line!r}")
        names[(seen_config.get("cpu"), seen_config.get("pkg"), fields[0])] = \
            names.get((seen_config.get("cpu"), seen_config.get("pkg"), fields[0]), 0) + 1
        for key in ("goos", "goarch", "cpu", "pkg"):
            if key not in seen_config:
                fail(f"line {n}: no {key}: configuration line before the first result")
    for name in ("BenchmarkFalseSharing/packed", "BenchmarkFalseSharing/packed-2",
                 "BenchmarkFalseSharing/plain-padded64-2"):
        for cpu in ("AMD EPYC", "Intel Xeon Gold 6338 (test fixture)"):
            if names.get((cpu, "claimbench/cpp", name)) != 10:
                fail(f"expected 10 repetitions of {name} on {cpu}, got {names.get((cpu, 'claimbench/cpp', name))}")


def check_csv(text):
    import csv
    import io
    sections = text.split("\n\n")
    if len(sections) != 2:
        fail("the CSV must hold two sections separated by one empty line")
    reps = list(csv.DictReader(io.StringIO(sections[0])))
    checks = list(csv.DictReader(io.StringIO(sections[1])))
    if len(reps) != 2 * 10 * 10 or {r["section"] for r in reps} != {"repetitions"}:
        fail(f"expected 200 repetition rows (2 machines x 10 variants x 10), got {len(reps)}")
    if len(checks) != 2 * 5 or {r["section"] for r in checks} != {"checks"}:
        fail(f"expected 10 check rows, got {len(checks)}")
    row = [r for r in checks if r["machine"] == "f1x7b0a2" and r["check"] == "one-line-suffices"]
    if not row or row[0]["verdict"] != "REFUTED" or float(row[0]["estimate"]) != 1.31:
        fail(f"the check row does not carry its verdict and estimate: {row}")


def has_matplotlib():
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"
    return subprocess.run([python, "-c", "import matplotlib"], capture_output=True).returncode == 0


def read(path):
    with open(path) as f:
        return f.read()


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "notes")
    if CASE == "report":
        result = bench("report", FIXTURES, "-o", out)
        if result.returncode != 0:
            fail("bench report failed", result)
        matches_baseline("report-index.md", read(os.path.join(out, "index.md")))
        matches_baseline("report-false-sharing.md", read(os.path.join(out, "false-sharing.md")))
        if has_matplotlib():
            for machine in ("e727eba4", "f1x7b0a2"):
                for chart in ("variants", "threads"):
                    for ext in ("png", "svg"):
                        path = os.path.join(out, "img", f"false-sharing-{machine}-{chart}.{ext}")
                        if not os.path.getsize(path):
                            fail(f"{path} is empty")
            svg = read(os.path.join(out, "img", "false-sharing-e727eba4-variants.svg"))
            for variant in ("packed @2", "padded64 @2", "padded128 @1", "plain-packed @2"):
                if variant not in svg:
                    fail(f"the SVG does not name the variant {variant!r}")
            if "ns per operation" not in svg:
                fail("the SVG has no axis label with units")
        else:
            print("matplotlib not installed: chart files not checked")
    elif CASE == "report-without-matplotlib":
        result = bench("report", AMD, "-o", out,
                       env={"CLAIMBENCH_PYTHON": os.path.join(SOURCE, "tests", "python-without-matplotlib")})
        if result.returncode != 0:
            fail("bench report must still write the notes", result)
        index = read(os.path.join(out, "index.md"))
        page = read(os.path.join(out, "false-sharing.md"))
        if "matplotlib is missing" not in index or "apt-get install python3-matplotlib" not in index:
            fail("index.md does not say matplotlib is missing and how to install it")
        if "img/false-sharing-e727eba4-variants.png (and .svg) would be here" not in page:
            fail("the claim page does not say where the chart would be")
        if "matplotlib is missing" not in result.stderr:
            fail("bench did not warn on stderr", result)
    elif CASE == "report-corrupt":
        result = bench("report", FIXTURES, os.path.join(DATA, "corrupt-truncated.json"), "-o", out)
        if result.returncode != 2 or "corrupt-truncated.json:" not in result.stderr \
                or "not valid JSON" not in result.stderr:
            fail("a truncated result must give exit 2 naming the file and line", result)
        if os.path.exists(out):
            fail("nothing may be written when an input is corrupt")
    elif CASE == "report-newer-schema":
        result = bench("report", os.path.join(DATA, "schema-newer.json"), "-o", out)
        if result.returncode != 2 or "version 2 is newer" not in result.stderr:
            fail("a newer schema must give exit 2 with a clear message", result)
        if os.path.exists(out):
            fail("nothing may be written when an input is unreadable")
    elif CASE == "compare":
        md = os.path.join(tmp, "compare.md")
        img = os.path.join(tmp, "img")
        result = bench("compare", AMD, INTEL, "--markdown", md, "--chart", img)
        if result.returncode != 0:
            fail("bench compare failed", result)
        table = result.stdout.split("\nchart:")[0].split("\nwrote")[0]
        matches_baseline("compare.txt", table)
        if "≠ one-line-suffices" not in result.stdout:
            fail("the differing check is not marked", result)
        matches_baseline("compare.md", read(md).replace(img, "IMG"))
        if has_matplotlib():
            # One chart per claim (the fixtures hold one claim), not one tall image.
            pngs = sorted(n for n in os.listdir(img) if n.endswith(".png"))
            if pngs != ["false-sharing-across-cpus.png"]:
                fail(f"compare --chart must write one chart per claim, wrote {pngs}")
            svg = read(os.path.join(img, "false-sharing-across-cpus.svg"))
            for text in ("one-line-suffices", "[f1x7b0a2]", "[e727eba4]", "C++",
                         "holds region", "refuted region", "REFUTED", "HOLDS"):
                if text not in svg:
                    fail(f"the across-CPUs SVG does not show {text!r}")
    elif CASE == "compare-same-machine":
        # Two results from one machine form one column, the newer claim result winning.
        second = os.path.join(tmp, "later.json")
        shutil.copy(AMD, second)
        result = bench("compare", AMD, second, INTEL)
        header = result.stdout.splitlines()[0]
        if result.returncode != 0 or header.count("AMD EPYC") != 1:
            fail("results from the same machine must be grouped into one column", result)
    elif CASE == "report-size-sweep":
        # Variants that differ in one numeric "key:value" (depth:1, depth:4, depth:16) get a line
        # chart of ns/op against that key; a 0/1 switch alongside it is not taken as the sweep.
        import json
        with open(AMD) as f:
            doc = json.load(f)
        claim = doc["claims"][0]
        variants = [v for v in claim["variants"] if v["threads"] == 1][:3]
        for v, depth in zip(variants, (1, 4, 16)):
            v["name"] = f"BM_Chain/spin:0/depth:{depth}"
        claim["variants"] = variants
        fixture = os.path.join(tmp, "sweep.json")
        with open(fixture, "w") as f:
            json.dump(doc, f)
        result = bench("report", fixture, "-o", out)
        if result.returncode != 0:
            fail("bench report failed", result)
        if has_matplotlib():
            svg = read(os.path.join(out, "img", "false-sharing-e727eba4-depth.svg"))
            if "depth" not in svg or "spin:0" not in svg:
                fail("the size-sweep chart does not name its axis and series")
        if "false-sharing-e727eba4-depth" not in read(os.path.join(out, "false-sharing.md")):
            fail("the claim page does not show the size-sweep chart")
    elif CASE == "compare-corrupt":
        result = bench("compare", AMD, os.path.join(DATA, "corrupt-truncated.json"))
        if result.returncode != 2 or "corrupt-truncated.json" not in result.stderr:
            fail("a corrupt input must give exit 2 naming it", result)
    elif CASE == "report-unsafe-id":
        # A claim id becomes a page name; "../x" must never write outside -o.
        import json
        doc = json.load(open(AMD))
        doc["claims"][0]["id"] = "../x"
        bad = os.path.join(tmp, "bad.json")
        json.dump(doc, open(bad, "w"))
        result = bench("report", bad, "-o", out)
        if result.returncode != 2 or "bad.json: claims[0].id: '../x' is not a safe id" not in result.stderr:
            fail("an unsafe claim id must give exit 2 naming the file and the JSON path", result)
        if sorted(os.listdir(tmp)) != ["bad.json"]:
            fail(f"wrote {os.listdir(tmp)} next to the input")
    elif CASE == "report-same-file-twice":
        result = bench("report", AMD, AMD, FIXTURES, "-o", out)
        if result.returncode != 0 or "given twice" not in result.stderr or "read once" not in result.stderr:
            fail("the same file given twice must be read once, with a note", result)
        index = read(os.path.join(out, "index.md"))
        if index.count("result file)") != 2 or "2 result files" in index:
            fail("a file given twice was counted twice:\n" + index)
    elif CASE == "report-no-machine-paths":
        # A result from before the recorded command was redacted: the notes still show no path
        # of the machine that ran it, only the last part of each.
        with open(AMD) as f:
            doc = json.load(f)
        doc["command"] = ("/work/x/build/release/bench run --claim false-sharing --out /tmp/abc "
                          "--out=/home/u/res")
        # A reason written before runs left paths out (a missing build, a Go module's folder).
        doc["claims"][0]["checks"][0]["reason"] += "; the TSan build /work/x/build/tsan is missing"
        old = os.path.join(tmp, "old.json")
        with open(old, "w") as f:
            json.dump(doc, f)
        result = bench("report", old, "-o", out, env=NO_CHARTS)
        if result.returncode != 0:
            fail("bench report failed", result)
        page = read(os.path.join(out, "false-sharing.md"))
        if "`bench run --claim false-sharing --out …/abc --out=…/res`" not in page:
            fail("the run's command is not shown without paths:\n" + page)
        for name in os.listdir(out):
            if name.endswith(".md") and any(p in read(os.path.join(out, name))
                                            for p in ("/work/", "/tmp/", "/home/")):
                fail(f"{name} shows a path of the machine that ran the result")
    elif CASE == "report-placeholder":
        # The placeholder a run in progress reserves its name with is skipped, not fatal.
        folder = os.path.join(tmp, "results")
        os.mkdir(folder)
        shutil.copy(AMD, folder)
        with open(os.path.join(folder, "20990101T000000Z-e727eba4.json"), "w") as f:
            f.write('{"schema": "claimbench.result", "schema_version": 1, "complete": false, '
                    '"claims": [], "benchmarks": []}\n')
        result = bench("report", folder, "-o", out)
        if result.returncode != 0 or "skipped: a placeholder" not in result.stderr:
            fail("a placeholder must be skipped with a warning", result)
        if not os.path.exists(os.path.join(out, "false-sharing.md")):
            fail("the finished result next to the placeholder was not reported")
    elif CASE == "report-replaces-atomically":
        first = bench("report", AMD, "-o", out, env=NO_CHARTS)
        if first.returncode != 0:
            fail("bench report failed", first)
        with open(os.path.join(out, "stale-claim.md"), "w") as f:
            f.write("a page from an earlier report\n")
        shutil.copy(AMD, os.path.join(out, "result.json"))
        before = read(os.path.join(out, "index.md"))
        # A bad input: exit 2, and the earlier notes are exactly as they were.
        bad = os.path.join(tmp, "bad.json")
        with open(bad, "w") as f:
            f.write(read(AMD).replace('"verdict": "HOLDS"', '"verdict": 1', 1))
        result = bench("report", INTEL, bad, "-o", out, env=NO_CHARTS)
        if result.returncode != 2 or "bad.json: claims[0].checks[0].verdict: expected a string" not in result.stderr:
            fail("a bad value must give exit 2 naming the file and the JSON path", result)
        if read(os.path.join(out, "index.md")) != before or not os.path.exists(os.path.join(out, "stale-claim.md")):
            fail("a failed report changed the earlier notes")
        # A good run replaces the folder whole: stale pages go, result.json stays.
        result = bench("report", INTEL, AMD, "-o", out, env=NO_CHARTS)
        if result.returncode != 0:
            fail("bench report failed", result)
        if os.path.exists(os.path.join(out, "stale-claim.md")):
            fail("a page of an earlier report was left behind")
        if not os.path.exists(os.path.join(out, "result.json")):
            fail("the result.json beside the notes was not carried over")
        if "f1x7b0a2" not in read(os.path.join(out, "index.md")):
            fail("the new index was not put in place")
        left = [n for n in os.listdir(tmp) if n.startswith(".")]
        if left:
            fail(f"temporary folders left behind: {left}")
    elif CASE == "report-refuses-foreign-folder":
        os.mkdir(out)
        with open(os.path.join(out, "README.md"), "w") as f:
            f.write("someone's notes\n")
        result = bench("report", AMD, "-o", out, env=NO_CHARTS)
        if result.returncode != 2 or "not an earlier report" not in result.stderr:
            fail("a folder with Markdown but no index.md must be refused", result)
        if os.listdir(out) != ["README.md"]:
            fail(f"the folder was changed: {os.listdir(out)}")
    elif CASE == "compare-bad-input-writes-nothing":
        md = os.path.join(tmp, "compare.md")
        img = os.path.join(tmp, "img")
        bad = os.path.join(tmp, "bad.json")
        for old, new, message in (
                ('"threads": 2', '"threads": 1e400', "bad.json: not valid JSON ("),
                ('"verdict": "HOLDS"', '"verdict": ["HOLDS"]',
                 "bad.json: claims[0].checks[0].verdict: expected a string, got array"),
                ('"pairs": 10', '"pairs": -3', "bad.json: claims[0].checks[0].pairs: -3 is out of range")):
            with open(bad, "w") as f:
                f.write(read(AMD).replace(old, new, 1))
            result = bench("compare", INTEL, bad, "--markdown", md, "--chart", img)
            if result.returncode != 2 or message not in result.stderr:
                fail(f"a bad input to compare must give exit 2 and say {message!r}", result)
            if os.path.exists(md) or os.path.exists(img) or result.stdout:
                fail("compare wrote something although an input was bad", result)
    elif CASE == "report-go-side":
        result = bench("report", FIXTURES, GO_RESULTS, "-o", out, env=NO_CHARTS)
        if result.returncode != 0:
            fail("bench report failed", result)
        index = read(os.path.join(out, "index.md"))
        page = read(os.path.join(out, "false-sharing.md"))
        matches_baseline("report-go-index.md", index)
        matches_baseline("report-go-false-sharing.md", page)
        for text, where in (
                ("| HOLDS 3.08× / HOLDS 3.41× |", index),
                ("| **agreement with Go** | | | **–** | **3/5 (60%)** |", index),
                ("3/5 (60%) **FIDELITY FAILURE** (`packed-does-not-scale`)", index),
                ("| C++ ratio | C++ CI | C++ verdict | Go ratio | Go CI | Go verdict | agree? |", page),
                ("the analogue agrees with Go on 3 of 5 checks on this machine", page),
                ("**INCONCLUSIVE** (borderline)", page),
                ("the C++ analogue measured ratio 0.646× (95% CI 0.625–0.653) at 10 rounds (HOLDS), "
                 "the Go twin ratio 1.62× (95% CI 1.55–1.7) at 6 rounds (REFUTED)", page),
                ("Why they differ (from the caveats): The effect is in the hardware", page),
                ("with go1.19.8, Go measured 3 of 5 checks holding", page),
                ("| go: packed @2 |", page)):
            if text not in where:
                fail(f"the notes do not show {text!r}")
        # No Go counterpart: the claim says why.
        calibration = read(os.path.join(out, "harness-overhead.md"))
        if "**No Go counterpart.** A check of the C++ harness" not in calibration:
            fail("a claim without a Go counterpart must say why:\n" + calibration)
    elif CASE == "report-go-only":
        result = bench("report", GO_RESULTS, "-o", out, env=NO_CHARTS)
        if result.returncode != 0:
            fail("bench report failed", result)
        page = read(os.path.join(out, "time-after-loop.md"))
        matches_baseline("report-go-only.md", page)
        if "measured in Go only" not in page or "| Go ratio | Go CI | Go verdict |" not in page:
            fail("a go-only page must say it is measured in Go only and show the Go side")
        if "C++" in page.split("## Results")[1]:
            fail("a go-only page must not show a C++ side")
        index = read(os.path.join(out, "index.md"))
        if "| [time-after-loop](time-after-loop.md) | go-only | time-after-allocates | Go: HOLDS 3 |" not in index \
                or "| [time-after-loop](time-after-loop.md) | go-only | Go only |" not in index:
            fail("the index must show go-only claims' Go verdict and class:\n" + index)
    elif CASE == "report-cross-cpu":
        result = bench("report", FIXTURES, "-o", out, env=NO_CHARTS)
        if result.returncode != 0:
            fail("bench report failed", result)
        findings = read(os.path.join(out, "index.md")).split("## Cross-CPU findings")[1]
        for line in (
                "- [false-sharing](false-sharing.md) / `one-line-suffices` (C++): REFUTED 1.31× "
                "(1.24–1.38) on f1x7b0a2; HOLDS 0.987× (0.972–1.02) on e727eba4",
                "- [false-sharing](false-sharing.md) / `padding-helps` (C++): HOLDS 3.08× (3.02–3.2) "
                "on e727eba4 vs HOLDS 6.2× (5.8–6.9) on f1x7b0a2"):
            if line not in findings:
                fail(f"the cross-CPU findings lack {line!r}:\n{findings}")
        # padded-scales has the same interval on both: not a finding.
        if "padded-scales" in findings:
            fail("overlapping intervals with the same verdict are not findings:\n" + findings)
        one = bench("report", AMD, "-o", os.path.join(tmp, "one"), env=NO_CHARTS)
        if "One machine only" not in read(os.path.join(tmp, "one", "index.md")):
            fail("with one machine the findings section must say there is nothing to compare")
    elif CASE == "report-machine-pages":
        result = bench("report", FIXTURES, GO_RESULTS, "-o", out, env=NO_CHARTS)
        if result.returncode != 0:
            fail("bench report failed", result)
        amd = read(os.path.join(out, "machine-e727eba4.md"))
        intel = read(os.path.join(out, "machine-f1x7b0a2.md"))
        for text in ("| topology | 2 PUs / 2 cores / 1 package(s), SMT no (x86_64) |",
                     "L1d 48 KiB × 2 (64 B lines)", "| microarchitecture |",
                     "## Counters available", "`cycles` not available: perf_event_open",
                     "## Core-to-core probe during the run",
                     "One-way latency before a claim: 32.9 – 32.9 ns (over 3 claims)",
                     "## Core-to-core latency (CAS round trip, ns)", "| PU0 | – | 96.5 |",
                     "| Go | go1.19.8 |"):
            if text not in amd:
                fail(f"the AMD machine page lacks {text!r}:\n{amd}")
        if "Opened: `L1-dcache-load-misses`, `cycles`, `instructions`." not in intel \
                or "latency (CAS" in intel:
            fail("the Intel page must list its opened counters and no latency matrix:\n" + intel)
        if "(machine-e727eba4.md)" not in read(os.path.join(out, "index.md")):
            fail("the index does not link the machine pages")
        # Claims measured by two versions of claimbench: the page and the index name both.
        import json
        versions = os.path.join(tmp, "versions")
        os.mkdir(versions)
        doc = json.load(open(os.path.join(GO_RESULTS, "amd-epyc-go.json")))
        for n, version in enumerate(("0.2.0", "0.1.0")):
            part = dict(doc, claimbench_version=version, claims=doc["claims"][n::2])
            json.dump(part, open(os.path.join(versions, f"v{n}.json"), "w"))
        out2 = os.path.join(tmp, "versions-out")
        result = bench("report", versions, "-o", out2, env=NO_CHARTS)
        if result.returncode != 0:
            fail("bench report failed", result)
        page = read(os.path.join(out2, "machine-e727eba4.md"))
        if "| claimbench | 0.1.0, 0.2.0 |" not in page:
            fail("the machine page does not name both claimbench versions:\n" + page)
        if "(claimbench 0.1.0, 0.2.0; 2 result files)" not in read(os.path.join(out2, "index.md")):
            fail("the index does not name both claimbench versions")
    elif CASE == "report-five-machines":
        import json
        folder = os.path.join(tmp, "five")
        os.mkdir(folder)
        cpus = [("AMD EPYC 9654", "AuthenticAMD", "25", "17"), ("Intel Xeon Platinum 8480+", "GenuineIntel", "6", "143"),
                ("AMD Ryzen 9 7950X", "AuthenticAMD", "25", "97"), ("Intel Core i9-13900K", "GenuineIntel", "6", "183"),
                ("Ampere Altra", "ARM", "0", "1")]
        for n, (model, vendor, family, number) in enumerate(cpus):
            doc = json.load(open(GO_RESULTS + "/amd-epyc-go.json" if n % 2 else AMD))
            doc["machine"].update(id=f"m{n}cafe{n}", cpu_model=model, cpu_vendor=vendor,
                                  cpu_family=family, cpu_model_number=number)
            for check in doc["claims"][0]["checks"]:
                if check["id"] == "padding-helps":  # spread the ratios so intervals part
                    check["estimate"] = 2.0 + n
                    check["ci"] = [1.9 + n, 2.1 + n]
            json.dump(doc, open(os.path.join(folder, f"r{n}.json"), "w"))
        result = bench("report", folder, "-o", out, env=NO_CHARTS)
        if result.returncode != 0:
            fail("bench report failed", result)
        index = read(os.path.join(out, "index.md"))
        matrix = index.split("## Verdicts")[1].split("## Fidelity")[0]
        rows = [l for l in matrix.splitlines() if l.startswith("|")]
        if len({r.count(" |") for r in rows[2:]}) != 1 or rows[0].count("machine-m") != 5:
            fail("every row of a 5-machine matrix must have one cell per machine:\n" + matrix)
        for n in range(5):
            if not os.path.exists(os.path.join(out, f"machine-m{n}cafe{n}.md")):
                fail(f"no page for machine {n}")
        if "`padding-helps` (C++): HOLDS 2× (1.9–2.1) on m0cafe0 vs HOLDS 6× (5.9–6.1) on m4cafe4" not in index:
            fail("the findings must name the two machines furthest apart:\n" + index)
        if max(len(l) for l in index.splitlines() if l.startswith("| [false")) > 400:
            fail("a 5-machine matrix row is too wide to read")
    elif CASE == "list-results":
        claims = os.path.join(SOURCE, "claims")
        plain = bench("--claims-dir", claims, "list")
        with_results = bench("--claims-dir", claims, "list", "--results", FIXTURES, GO_RESULTS)
        if plain.returncode != 0 or with_results.returncode != 0:
            fail("bench list failed", with_results)
        if not plain.stdout.startswith("id                         sec fidelity  encoded  title\n"):
            fail("bench list without results must keep its columns", plain)
        row = next(l for l in with_results.stdout.splitlines() if l.startswith("false-sharing "))
        if "3/5 (60%) FIDELITY FAILURE" not in row or "direct" not in row:
            fail("list --results must show the class, agreement and the fidelity failure", with_results)
        if "e727eba4: 3/5 (60%) overall" not in with_results.stdout:
            fail("list --results must give each machine's overall agreement", with_results)
        bad = os.path.join(tmp, "bad.json")
        with open(bad, "w") as f:
            f.write(read(AMD).replace('"verdict": "HOLDS"', '"verdict": 1', 1))
        refused = bench("--claims-dir", claims, "list", "--results", bad)
        if refused.returncode != 2 or "bad.json: claims[0].checks[0].verdict" not in refused.stderr or refused.stdout:
            fail("a bad result given to list must give exit 2 naming it, and print nothing", refused)
    elif CASE in ("export-gobench", "export-csv", "export-markdown"):
        fmt = CASE.split("-")[1]
        target = os.path.join(tmp, "export.out")
        result = bench("export", AMD, INTEL, "--format", fmt, "-o", target)
        if result.returncode != 0:
            fail("bench export failed", result)
        text = read(target)
        if [n for n in os.listdir(tmp) if n.startswith(".")]:
            fail("a temporary file was left beside the export")
        stdout = bench("export", AMD, INTEL, "--format", fmt)
        if stdout.returncode != 0 or stdout.stdout != text:
            fail("export to stdout differs from export to -o", stdout)
        ext = {"gobench": "txt", "csv": "csv", "markdown": "md"}[fmt]
        matches_baseline(f"export.{ext}", text)
        if fmt == "gobench":
            check_gobench(text)
        elif fmt == "csv":
            check_csv(text)
    elif CASE == "export-bad-input":
        target = os.path.join(tmp, "export.out")
        for args, message in (
                ([AMD, os.path.join(DATA, "corrupt-truncated.json"), "--format", "csv"],
                 "corrupt-truncated.json"),
                ([AMD, "--format", "xml"], "--format: 'xml' is not one of gobench, csv, markdown"),
                ([os.path.join(tmp, "missing.json"), "--format", "gobench"], "missing.json")):
            result = bench("export", *args, "-o", target)
            if result.returncode != 2 or message not in result.stderr:
                fail(f"bad input to export must give exit 2 and say {message!r}", result)
            if os.listdir(tmp):
                fail(f"export wrote {os.listdir(tmp)} although an input was bad")
    elif CASE == "mutations":
        mutation_test(tmp)
    elif CASE == "mutations-go":
        # The Go sides, go-only claims, load records and the latency matrix fail safe too.
        mutation_test(tmp, 400, os.path.join(GO_RESULTS, "amd-epyc-go.json"))
    else:
        fail("unknown case")
print(f"ok {CASE}")
