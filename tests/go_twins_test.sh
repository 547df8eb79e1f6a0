#!/bin/sh
# CI check for the Go twins (benchmarks/go): go vet, then every twin once (-benchtime=1x), offline.
# Exit 77 (CTest SKIP_RETURN_CODE) when no Go toolchain is installed. Globs nothing: `./...`
# covers every *_test.go in the module, whoever added it.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v go >/dev/null 2>&1; then
  echo "go_twins: no Go toolchain (install: sudo apt-get install golang-go); skipping" >&2
  exit 77
fi
build=${CLAIMBENCH_BUILD_DIR:-$root/build}
mkdir -p "$build/go-cache" "$build/go-tmp"
# Offline and reproducible in a fresh clone: no module proxy, no VCS stamping, caches under build/.
export GOFLAGS=-buildvcs=false GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local GO111MODULE=on
export GOCACHE="$build/go-cache" GOTMPDIR="$build/go-tmp" GOPATH="$build/go-path"
cd "$root/benchmarks/go"
go version
go vet ./...
# -cpu 1,2: the twins' two thread counts, so both code paths run (workers, GOMAXPROCS changes).
go test -count=1 -run '^$' -bench . -benchtime=1x -cpu 1,2 ./...
