#pragma once
/// Go twins as processes: find the toolchain, build the twin test binary, run one twin pinned.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "claimbench/error.hpp"

namespace claimbench {

/// The Go toolchain a run uses; `version` goes into results ("go1.19.8").
struct GoToolchain {
  std::filesystem::path go;  ///< absolute path of the go command
  std::string version;       ///< "go1.19.8"
  std::string platform;      ///< "linux/amd64"
};

/// Looks for `go` on PATH, then in /usr/lib/go/bin and /usr/local/go/bin, and asks it its version.
Expected<GoToolchain> find_go();
/// The same with the search made explicit: `path_env` in PATH syntax, then `extra_dirs`.
Expected<GoToolchain> find_go(std::string_view path_env,
                              const std::vector<std::filesystem::path>& extra_dirs);

/// Builds `go test -c` of `package` (relative to module_dir, "." for the module root) into
/// build_dir/go/<name>.test, where name is "twins" for the root and the last path element
/// otherwise. Offline (GOPROXY=off, GOFLAGS=-buildvcs=false, GOCACHE under build_dir/go/cache).
/// Rebuilds only when a source changed: a hash of every *.go, *.c, *.h, go.mod and go.sum under
/// module_dir, the Go version and the package is kept in <binary>.hash. A failed build returns
/// the compiler's own message.
Expected<std::filesystem::path> build_twins(const GoToolchain& go,
                                            const std::filesystem::path& module_dir,
                                            const std::filesystem::path& build_dir,
                                            std::string_view package = ".");

/// One result line of `go test -bench`, with the -N (GOMAXPROCS) suffix split off the name.
struct GoBenchLine {
  std::string name;  ///< "BenchmarkFalseSharing/packed"
  int procs = 1;     ///< the -N suffix; Go omits it when N is 1
  std::int64_t iterations = 0;
  double ns_per_op = 0;  ///< Go omits ns/op when it is 0, so absent reads as 0
  std::optional<double> bytes_per_op;
  std::optional<double> allocs_per_op;
  std::map<std::string, double> metrics;  ///< MB/s and every b.ReportMetric unit, by unit
};

/// Parses one result line. `expected_procs` is the -test.cpu value the run used: with it the
/// suffix is split off only when it is "-<expected_procs>" (so "size-64" run at 1 proc keeps its
/// name); with 0 a trailing -<digits> is taken as the procs. Never throws, whatever the input.
Expected<GoBenchLine> parse_bench_line(std::string_view line, int expected_procs = 0);

/// The anchored -test.bench pattern for one benchmark name: Go splits the pattern on '/' and
/// matches each level separately, so "BenchmarkX/a+b" becomes "^BenchmarkX$/^a\+b$".
std::string bench_pattern(std::string_view bench_name);

/// How to run one twin.
struct TwinRun {
  std::string bench;                 ///< full name without -N, e.g. "BenchmarkFalseSharing/packed"
  std::vector<int> pus;              ///< OS indices of the PUs the process is pinned to; empty: any
  int gomaxprocs = 1;                ///< -test.cpu and the GOMAXPROCS environment variable
  double benchtime_s = 1.0;          ///< -test.benchtime <s>s
  std::int64_t benchtime_iters = 0;  ///< when > 0, -test.benchtime <n>x instead
  int count = 1;                     ///< -test.count
  std::chrono::seconds timeout{600};
  const std::atomic<bool>* stop = nullptr;  ///< set it to kill the twin (checked every 100 ms)
};

/// What one twin process produced: its result lines, or the reason it skipped itself.
struct TwinResult {
  std::vector<GoBenchLine> lines;  ///< one per -test.count repetition (and sub-benchmark)
  std::string skip_reason;         ///< non-empty when the benchmark called b.Skip
};

/// Runs `binary -test.run ^$ -test.bench <pattern> -test.v ...` as its own process pinned to
/// `run.pus` with GOMAXPROCS=run.gomaxprocs. A crash, a non-zero exit, a timeout, a stop, a
/// line the parser does not understand, or no result at all is an error naming the twin and
/// quoting the process's own message.
Expected<TwinResult> run_twin(const std::filesystem::path& binary, const TwinRun& run);

}  // namespace claimbench
