#!/usr/bin/env python3
"""bench report and bench compare on fixture results from two CPUs (tests/data/results).

Usage: report_test.py BENCH SOURCE_DIR CASE
Approved outputs live in tests/baselines/; set UPDATE_BASELINES=1 to rewrite them after
reviewing a deliberate change.
"""
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
            svg = read(os.path.join(img, "compare.svg"))
            if "false-sharing/one-line-suffices @ f1x7b0a2" not in svg:
                fail("the compare SVG does not name the checks and machines")
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
    else:
        fail("unknown case")
print(f"ok {CASE}")
