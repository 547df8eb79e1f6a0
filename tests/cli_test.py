#!/usr/bin/env python3
"""CLI tests on the real bench binary: bad input gives a clear message, exit 2, nothing written.

Usage: cli_test.py BENCH SOURCE_DIR CASE
"""
import os
import shutil
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


def claims_copy(tmp, name, edit):
    """A copy of claims/ with one file edited; returns its path."""
    claims = os.path.join(tmp, "claims")
    shutil.copytree(os.path.join(SOURCE, "claims"), claims)
    path = os.path.join(claims, name)
    with open(path) as f:
        text = f.read()
    edited = edit(text)
    if edited == text:
        print(f"FAIL {CASE}: the edit of {name} changed nothing")
        sys.exit(1)
    with open(path, "w") as f:
        f.write(edited)
    return claims


def expect_nothing_written(out_dir):
    left = os.listdir(out_dir) if os.path.exists(out_dir) else []
    if left:
        print(f"FAIL {CASE}: wrote {left} into {out_dir}")
        sys.exit(1)


def interrupted_run(out, sig, claims, min_time="5"):
    """Starts `bench run` on long benchmarks, sends `sig` about 1 s into the first claim and
    checks the run's answer: exit 130 within 2 s (a bound on responsiveness, with margin over
    the 0.8 s grace period), one whole result file marking every claim interrupted, no
    temporary left. Returns the loaded result and its path."""
    import json
    import signal
    import time
    args = [BENCH, "run", *[a for c in claims for a in ("--claim", c)], "--min-time", min_time,
            "--out", out]
    err_path = os.path.join(os.path.dirname(out), f"stderr-{sig}.txt")
    with open(err_path, "w") as err:
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err, text=True)
    deadline = time.monotonic() + 40
    while "[1/" not in open(err_path).read():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            print(f"FAIL {CASE}: the run never started its first claim:\n{open(err_path).read()}")
            sys.exit(1)
        time.sleep(0.05)
    time.sleep(1.0)
    sent = time.monotonic()
    proc.send_signal(sig)
    try:
        code = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = "still running after 20 s"
    took = time.monotonic() - sent
    stderr = open(err_path).read()
    problems = []
    if code != 130:
        problems.append(f"exit {code}, wanted 130")
    if took > 2.0:
        problems.append(f"took {took:.2f} s after the signal, wanted at most 2 s")
    left = sorted(os.listdir(out)) if os.path.isdir(out) else []
    results = [f for f in left if f.endswith(".json") and not f.startswith(".")]
    if len(results) != 1 or len(left) != 1:
        problems.append(f"left {left} in {out}, wanted one result file and no temporary")
    result = None
    if len(results) == 1:
        with open(os.path.join(out, results[0])) as f:
            result = json.load(f)
        if result.get("complete") is not False:
            problems.append("the result says complete")
        ids = [c["id"] for c in result.get("claims", [])]
        if ids != list(claims):
            problems.append(f"the result lists claims {ids}, wanted {list(claims)}")
        for c in result.get("claims", []):
            if c["status"] != "interrupted" or not c["reason"]:
                problems.append(f"{c['id']}: status {c['status']!r} reason {c['reason']!r}")
    if problems:
        print(f"FAIL {CASE}: {'; '.join(problems)}\nstderr:\n{stderr}")
        sys.exit(1)
    return result, os.path.join(out, results[0])


def own_race_workloads():
    """Processes running this build's race_workloads binaries (children of a bench run)."""
    build = os.path.dirname(os.path.realpath(BENCH))
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            exe = os.readlink(f"/proc/{pid}/exe")
        except OSError:
            continue
        if os.path.dirname(exe) == build and os.path.basename(exe).startswith("race_workloads"):
            found.append(pid)
    return found


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
        claims = claims_copy(tmp, "false-sharing.toml", lambda t: t.replace(
            'fidelity = "direct"\n', 'fidelity = "direct"\ncolour = "blue"\n'))
        expect(bench("--claims-dir", claims, "run", "--claim", "false-sharing", "--out", out), 2,
               "false-sharing.toml:4: unknown key 'colour'")
        expect_nothing_written(out)
    elif CASE == "claim-unknown-variant":
        # Checked against the registry when the catalog loads, before anything runs.
        claims = claims_copy(tmp, "false-sharing.toml", lambda t: t.replace(
            'numerator = { variant = "packed", threads = 2 }',
            'numerator = { variant = "pakced", threads = 2 }', 1))
        expect(bench("--claims-dir", claims, "run", "--claim", "false-sharing", "--out", out), 2,
               "false-sharing.toml:", "check 'padding-helps', 'numerator': FalseSharing has no "
               "variant 'pakced'; did you mean: packed")
        expect_nothing_written(out)
        expect(bench("--claims-dir", claims, "list"), 2, "variant 'pakced'")
    elif CASE == "claim-unknown-threads":
        claims = claims_copy(tmp, "false-sharing.toml", lambda t: t.replace(
            'numerator = { variant = "packed", threads = 2 }',
            'numerator = { variant = "packed", threads = 3 }', 1))
        expect(bench("--claims-dir", claims, "run", "--claim", "false-sharing", "--out", out), 2,
               "variant 'packed' of FalseSharing is registered at threads", "not 3")
        expect_nothing_written(out)
    elif CASE == "claim-bad-pattern":
        claims = claims_copy(tmp, "false-sharing.toml", lambda t: t.replace(
            'benchmarks = "^BM_FalseSharing/"', 'benchmarks = "^BM_FalseSharng/"'))
        expect(bench("--claims-dir", claims, "show", "false-sharing"), 2,
               "false-sharing.toml:", "benchmarks: '^BM_FalseSharng/' matches no registered "
               "benchmark; families near it: BM_FalseSharing")
    elif CASE == "claim-bad-metric":
        claims = claims_copy(tmp, "goroutine-vs-thread.toml", lambda t: t.replace(
            'metric = "rss_bytes"', 'metric = "rss_byte"'))
        expect(bench("--claims-dir", claims, "run", "--claim", "goroutine-vs-thread", "--out", out),
               2, "goroutine-vs-thread.toml:", "check 'resident-per-unit', 'metric': 'rss_byte'")
        expect_nothing_written(out)
    elif CASE == "claim-bad-event":
        claims = claims_copy(tmp, "false-sharing.toml", lambda t: t.replace(
            '"L1-dcache-load-misses"]', '"L1-dcache-lod-misses"]'))
        expect(bench("--claims-dir", claims, "show", "false-sharing"), 2,
               "false-sharing.toml:", "events: unknown event 'L1-dcache-lod-misses'")
    elif CASE == "claim-nan-threshold":
        claims = claims_copy(tmp, "false-sharing.toml", lambda t: t.replace(
            "at_least = 1.5", "at_least = nan", 1))
        expect(bench("--claims-dir", claims, "run", "--claim", "false-sharing", "--out", out), 2,
               "false-sharing.toml:", "'at_least' must be a finite number above 0, not nan")
        expect_nothing_written(out)
    elif CASE == "claim-wrong-kind-threshold":
        claims = claims_copy(tmp, "false-sharing.toml", lambda t: t.replace(
            "within = 0.10", "within = 0.10\nat_least = 1.5", 1))
        expect(bench("--claims-dir", claims, "list"), 2,
               "check 'one-line-suffices', 'at_least': does not belong to a equivalence check")
    elif CASE == "catalog-duplicate":
        claims = claims_copy(tmp, "catalog.toml", lambda t: t + '\n[[claim]]\nid = "cas-loop"\nsection = "A"\n')
        expect(bench("--claims-dir", claims, "list"), 2, "catalog.toml:",
               "claim 'cas-loop' is listed twice")
    elif CASE == "catalog-title-duplicated":
        claims = claims_copy(tmp, "catalog.toml", lambda t: t.replace(
            'id = "cas-loop"\n', 'id = "cas-loop"\ntitle = "CAS"\n', 1))
        expect(bench("--claims-dir", claims, "list"), 2, "catalog.toml:",
               "claim 'cas-loop': remove 'title' and 'fidelity' here, cas-loop.toml says them")
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
    elif CASE == "version":
        result = bench("--version")
        expect(result, 0, "claimbench 0.", stream="stdout")
    elif CASE == "unknown-subcommand":
        expect(bench("frobnicate", "--all"), 2, "unknown subcommand 'frobnicate'", "run, topology")
        expect(bench("--claims-dir", os.path.join(SOURCE, "claims"), "lst"), 2,
               "unknown subcommand 'lst'")
    elif CASE == "sugar-after-global":
        # Global options first, then the --claim shortcut: still "run --claim".
        claims = os.path.join(SOURCE, "claims")
        expect(bench("--claims-dir", claims, "--claim", "nope-nope", "--out", out), 2,
               "unknown claim 'nope-nope'")
        expect(bench(f"--claims-dir={claims}", "--claim", "false-sharin", "--out", out), 2,
               "did you mean: false-sharing")
        expect_nothing_written(out)
    elif CASE == "bad-min-time":
        for value in ["inf", "nan", "0", "-1", "1e300"]:
            expect(bench("--claim", "heap-vs-stack", f"--min-time={value}", "--out", out), 2,
                   "--min-time must be a finite number")
        expect(bench("--claim", "heap-vs-stack", "--min-time", "abc", "--out", out), 2,
               "--min-time")
        expect_nothing_written(out)
    elif CASE == "low-repetitions-recorded-command":
        # Below the statistics' minimum: a warning before the first benchmark runs; and the
        # result records the command as typed, with no absolute path of this machine in it.
        result = bench("run", "--claim", "heap-vs-stack", "--repetitions", "2", "--min-time",
                       "0.001", "--out", out)
        expect(result, 0, "warning: --repetitions 2 is below 6")
        check_order = result.stderr.find("warning: --repetitions") < result.stderr.find("[1/1]")
        files = os.listdir(out)
        with open(os.path.join(out, files[0])) as f:
            text = f.read()
        import json
        command = json.loads(text)["command"]
        problems = []
        if not check_order:
            problems.append("warning came after the run started")
        if command != "bench run --claim heap-vs-stack --repetitions 2 --min-time 0.001 --out …/results":
            problems.append(f"command recorded as {command!r}")
        for path in {tmp, os.path.dirname(os.path.abspath(BENCH)), os.path.abspath(SOURCE)}:
            if path in text:
                problems.append(f"result contains the absolute path {path}")
        if problems:
            print(f"FAIL {CASE}: {'; '.join(problems)}")
            sys.exit(1)
    elif CASE == "installed-relocated":
        # cmake --install into a prefix, move the prefix, and run from there: claims and
        # charts.py are found relative to the binary, not through a path baked in at build time.
        cmake, build_dir = sys.argv[4], sys.argv[5]
        first, moved = os.path.join(tmp, "first"), os.path.join(tmp, "moved")
        done = subprocess.run([cmake, "--install", build_dir, "--prefix", first],
                              capture_output=True, text=True, timeout=50)
        if done.returncode != 0:
            print(f"FAIL {CASE}: cmake --install: {done.stderr}")
            sys.exit(1)
        os.rename(first, moved)
        BENCH = os.path.join(moved, "bin", "bench")
        env = {k: v for k, v in os.environ.items()
               if k not in ("CLAIMBENCH_CLAIMS", "CLAIMBENCH_CHARTS")}
        def installed(*args):
            return subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=50,
                                  env=env, cwd=tmp)
        expect(installed("list"), 0, "false-sharing", stream="stdout")
        expect(installed("show", "false-sharing"), 0, "padding-helps", stream="stdout")
        charts = os.path.join(moved, "share", "claimbench", "scripts", "charts.py")
        if not os.path.isfile(charts):
            print(f"FAIL {CASE}: {charts} not installed")
            sys.exit(1)
        # The chart step finds the installed script: either it renders, or it says matplotlib is
        # missing (exit 3 of charts.py), never that python could not open the file.
        fixtures = os.path.join(SOURCE, "tests", "data", "results")
        result = installed("compare", fixtures, "--chart", os.path.join(tmp, "img"))
        expect(result, 0, "", stream="stdout")
        if "can't open file" in result.stderr or "exited 2" in result.stderr:
            print(f"FAIL {CASE}: charts.py not found from the install:\n{result.stderr}")
            sys.exit(1)
    elif CASE == "show-event-coverage":
        expect(bench("show", "false-sharing"), 0, "L1-dcache-load-misses cannot be encoded on "
               "amd64_fam17h_zen1", stream="stdout")
        expect(bench("show", "madvise-rss"), 0, stream="stdout")
        if "cannot be encoded" in bench("show", "madvise-rss").stdout:
            print(f"FAIL {CASE}: a software event (page-faults) reported as unencodable")
            sys.exit(1)
    elif CASE == "interrupt-sigint":
        # --min-time 5: the benchmark in flight does not return for seconds, so the watchdog
        # has to save and exit; the notes then say the claim was interrupted.
        import signal
        result, path = interrupted_run(out, signal.SIGINT, ["string-concat"])
        if "in flight" not in result["claims"][0]["reason"] and \
                "between rounds" not in result["claims"][0]["reason"]:
            print(f"FAIL {CASE}: reason {result['claims'][0]['reason']!r}")
            sys.exit(1)
        notes = os.path.join(tmp, "notes")
        expect(bench("report", path, "-o", notes), 0, "", stream="stdout")
        text = "".join(open(os.path.join(root, f)).read()
                       for root, _, files in os.walk(notes) for f in files if f.endswith(".md"))
        if "Interrupted here" not in text:
            print(f"FAIL {CASE}: the notes do not mark the interrupted claim")
            sys.exit(1)
    elif CASE == "interrupt-sigterm":
        # SIGTERM is an interrupt too; the claim never started is listed as such.
        import signal
        result, _ = interrupted_run(out, signal.SIGTERM, ["string-concat", "cas-loop"])
        if not result["claims"][1]["reason"].startswith("not started"):
            print(f"FAIL {CASE}: the second claim's reason is {result['claims'][1]['reason']!r}")
            sys.exit(1)
    elif CASE == "interrupt-children":
        # race-detector-overhead runs its workloads as child processes: none may outlive bench.
        import signal
        interrupted_run(out, signal.SIGINT, ["race-detector-overhead"])
        left = own_race_workloads()
        if left:
            print(f"FAIL {CASE}: race_workloads still running after bench exited: pids {left}")
            sys.exit(1)
    elif CASE == "write-fails-file-too-large":
        # A file-size limit fails the first result write as a full disk would (EFBIG instead of
        # ENOSPC, the same code path): the errno text is shown and no placeholder is left.
        import resource
        import signal

        def limit():
            resource.setrlimit(resource.RLIMIT_FSIZE, (2048, resource.RLIM_INFINITY))
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        result = subprocess.run([BENCH, "run", "--claim", "string-concat", "--repetitions", "1",
                                 "--min-time", "0.001", "--out", out], capture_output=True,
                                text=True, timeout=50, preexec_fn=limit)
        expect(result, 1, "File too large", "nothing was kept")
        expect_nothing_written(out)
    elif CASE == "eta":
        result = bench("run", "--claim", "string-concat", "--claim", "cas-loop", "--repetitions",
                       "1", "--min-time", "0.001", "--out", out)
        expect(result, 0, "[2/2] cas-loop", "so far, about", "left)")
        import json
        path = os.path.join(out, os.listdir(out)[0])
        with open(path) as f:
            claims = json.load(f)["claims"]
        if not all(c["seconds"] > 0 for c in claims):
            print(f"FAIL {CASE}: a claim's wall time is not recorded: {[c['seconds'] for c in claims]}")
            sys.exit(1)
    elif CASE == "topology-latency":
        result = bench("topology", "--latency")
        expect(result, 0, "core-to-core round trip", stream="stdout")
        pus = int(result.stdout.split(" PUs,")[0].split()[-1])
        matrix = result.stdout.split("core-to-core round trip")[1].strip().splitlines()[1:]
        rows = [line for line in matrix if line.strip()]
        # A header row of PUs, then one row per PU, each with a cell per PU.
        if len(rows) != pus + 1 or any(len(r.split()) != pus + 1 for r in rows):
            print(f"FAIL {CASE}: wanted a header and {pus} rows of {pus + 1} cells:\n{result.stdout}")
            sys.exit(1)
        expect(bench("topology", "--latency", "--xml", "x.xml"), 2, "--latency", "--xml")
    elif CASE == "disk-full-tmpfs":
        # A real ENOSPC from a tiny tmpfs (needs mount rights; skipped, exit 77, without them).
        import json
        first = os.path.join(tmp, "sizing")
        args = ["--repetitions", "1", "--min-time", "0.001"]
        expect(bench("run", "--claim", "string-concat", *args, "--out", first), 0)
        one_claim = os.path.getsize(os.path.join(first, os.listdir(first)[0]))
        disk = os.path.join(tmp, "disk")
        os.makedirs(disk)

        def mount(size):
            return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", disk],
                                  capture_output=True).returncode == 0
        if not mount("4k"):
            print(f"skip {CASE}: cannot mount a tmpfs here")
            sys.exit(77)
        try:
            # One page: the placeholder fits, the first claim's result does not.
            result = bench("run", "--claim", "string-concat", *args, "--out", disk)
            expect(result, 1, "No space left on device", "nothing was kept")
            expect_nothing_written(disk)
            subprocess.run(["umount", disk], check=True)
            # Room for the first claim's result (and its temporary while the placeholder
            # exists) but not for the second's next to it: the first stays, whole.
            size = (int(one_claim * 1.5) // 4096 + 3) * 4096
            if not mount(str(size)):
                print(f"FAIL {CASE}: the second mount failed")
                sys.exit(1)
            result = bench("run", "--claim", "string-concat", "--claim", "cas-loop", *args,
                           "--out", disk)
            expect(result, 1, "No space left on device", "the last complete result stays in")
            left = os.listdir(disk)
            if len(left) != 1 or not left[0].endswith(".json") or left[0].startswith("."):
                print(f"FAIL {CASE}: left {left}, wanted the one result file")
                sys.exit(1)
            with open(os.path.join(disk, left[0])) as f:
                kept = json.load(f)
            if [c["id"] for c in kept["claims"]] != ["string-concat"]:
                print(f"FAIL {CASE}: the kept result holds {[c['id'] for c in kept['claims']]}")
                sys.exit(1)
        finally:
            subprocess.run(["umount", disk], capture_output=True)
    elif CASE == "help":
        expect(bench("--help"), 0, "run", "topology", stream="stdout")
        expect(bench("run", "--repetitions", "many"), 2, "repetitions")
    else:
        print(f"unknown case {CASE}")
        sys.exit(1)
print(f"ok {CASE}")
