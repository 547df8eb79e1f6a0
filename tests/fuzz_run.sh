#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time on a copy of its seed corpus.
#   tests/fuzz_run.sh BINARY SECONDS SEED_DIR [SEED_DIR...]
# Exit 0 when it ran that long without a crash or a sanitizer report; libFuzzer's own exit code
# (and the reproducer it wrote under the work folder, named in its output) otherwise. Prints the
# executions and new coverage units from libFuzzer's final stats.
set -euo pipefail
binary="$(realpath "$1")"; seconds="$2"; shift 2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
for seeds in "$@"; do
  seeds="$(realpath "$seeds")"
  find "$seeds" -maxdepth 1 -type f \( -name '*.toml' -o -name '*.json' \) -exec cp {} "$work/corpus/" \;
done
name="$(basename "$binary")"
status=0
(cd "$work" && "$binary" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
   -rss_limit_mb=2048 -artifact_prefix="$work/" corpus) >"$work/log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  tail -60 "$work/log" >&2
  for crash in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
    [ -e "$crash" ] || continue
    mkdir -p "${FUZZ_ARTIFACTS:-/tmp}"
    cp "$crash" "${FUZZ_ARTIFACTS:-/tmp}/$name-$(basename "$crash")"
    echo "$name: reproducer saved to ${FUZZ_ARTIFACTS:-/tmp}/$name-$(basename "$crash")" >&2
  done
  echo "$name: FAILED (libFuzzer exit $status)" >&2
  exit "$status"
fi
runs="$(grep -o 'number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$')"
units="$(grep -o 'new_units_added: *[0-9]*' "$work/log" | grep -o '[0-9]*$')"
echo "$name: $runs executions in ${seconds}s, $units new coverage units, no crash"
