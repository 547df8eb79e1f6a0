#!/usr/bin/env python3
"""Google Benchmark's own tools/compare.py reads two claimbench result files.

Usage: compare_py_test.py BENCH. Exits 77 (ctest: skipped) when compare.py is not installed.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

BENCH = sys.argv[1]
COMPARE = "/usr/share/benchmark/compare.py"  # Debian package libbenchmark-tools
PYTHON = "/usr/bin/python3"                  # Debian's python, which has scipy for compare.py
if not os.path.exists(COMPARE):
    print(f"skipped: {COMPARE} is not installed (apt-get install libbenchmark-tools)")
    sys.exit(77)

with tempfile.TemporaryDirectory() as tmp:
    files = []
    for name in ("a", "b"):
        out = os.path.join(tmp, name)
        subprocess.run([BENCH, "--claim", "false-sharing", "--repetitions", "6", "--min-time",
                        "0.001", "--out", out], check=True, capture_output=True, timeout=120)
        files += glob.glob(os.path.join(out, "*.json"))
    result = subprocess.run([PYTHON, COMPARE, "benchmarks", *files], capture_output=True,
                            text=True, timeout=120)
    if result.returncode != 0 or "BM_FalseSharing/packed/real_time/threads:1" not in result.stdout:
        print(f"FAIL: compare.py exited {result.returncode}\n{result.stdout}\n{result.stderr}")
        sys.exit(1)
    # -a: aggregates only. The result files carry Google Benchmark's aggregate rows (mean,
    # median, stddev, cv per variant), so compare.py shows those and no single repetition.
    result = subprocess.run([PYTHON, COMPARE, "-a", "benchmarks", *files], capture_output=True,
                            text=True, timeout=120)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # compare.py colours its output
    rows = [line for line in plain.splitlines()
            if line.startswith("BM_FalseSharing/packed/real_time/threads:1")]
    names = {row.split()[0] for row in rows}
    expected = {"BM_FalseSharing/packed/real_time/threads:1_" + a
                for a in ("mean", "median", "stddev", "cv")}
    if result.returncode != 0 or not expected <= names or \
            "BM_FalseSharing/packed/real_time/threads:1" in names:
        print(f"FAIL: compare.py -a exited {result.returncode}; rows {sorted(names)}\n"
              f"{result.stdout}\n{result.stderr}")
        sys.exit(1)
    print("ok: compare.py compared", len(files), "result files, with and without -a")
