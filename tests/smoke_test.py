#!/usr/bin/env python3
"""Smoke run: every encoded claim, tiny budget; every check must get a verdict record.

Usage: smoke_test.py BENCH SOURCE_DIR
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

BENCH, SOURCE = sys.argv[1], sys.argv[2]
VERDICTS = {"HOLDS", "REFUTED", "INCONCLUSIVE", "SKIPPED"}

with tempfile.TemporaryDirectory() as out:
    run = subprocess.run([BENCH, "run", "--all", "--repetitions", "6", "--min-time", "0.001",
                          "--out", out], capture_output=True, text=True, timeout=850)
    if run.returncode != 0:
        print(f"FAIL: bench exited {run.returncode}\n{run.stdout}\n{run.stderr}")
        sys.exit(1)
    files = glob.glob(os.path.join(out, "*.json"))
    if len(files) != 1:
        print(f"FAIL: expected one result file, found {files}")
        sys.exit(1)
    with open(files[0]) as f:
        result = json.load(f)
    claim_files = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(SOURCE, "claims", "*.toml"))
                         if not p.endswith("catalog.toml"))
    ran = sorted(c["id"] for c in result["claims"])
    problems = []
    if ran != claim_files:
        problems.append(f"claims run {ran} != claim files {claim_files}")
    if not result.get("complete"):
        problems.append("result not marked complete")
    for claim in result["claims"]:
        if not claim["checks"]:
            problems.append(f"{claim['id']}: no checks recorded")
        for check in claim["checks"]:
            if check["verdict"] not in VERDICTS:
                problems.append(f"{claim['id']}/{check['id']}: verdict {check['verdict']!r}")
            if "not built" in check["reason"]:
                problems.append(f"{claim['id']}/{check['id']}: {check['reason']}")
            if not check["reason"]:
                problems.append(f"{claim['id']}/{check['id']}: no reason given")
    if problems:
        print("FAIL:\n  " + "\n  ".join(problems))
        sys.exit(1)
    print(f"ok: {len(ran)} claims, {sum(len(c['checks']) for c in result['claims'])} checks judged")
