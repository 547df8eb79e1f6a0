#pragma once
/// Runs a claim's benchmarks (Google Benchmark in process, Go twins as processes) in paired
/// sequential rounds and judges each check's C++ and Go sides.

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "claimbench/catalog/claims.hpp"
#include "claimbench/judge/verdict.hpp"
#include "claimbench/measure/counters.hpp"
#include "claimbench/measure/go_side.hpp"
#include "claimbench/measure/machine_load.hpp"
#include "claimbench/measure/placement.hpp"
#include "claimbench/measure/topology.hpp"
#include "claimbench/store/result_model.hpp"

namespace claimbench {

class ChildProcesses;

struct RunOptions {
  int repetitions = 10;  ///< base rounds; each runs every variant of the claim once
  /// The sequential round budget: after the base rounds, only the variants of undecided checks
  /// run, up to this many rounds in all. 0 (or <= repetitions): the base rounds only.
  int max_rounds = 0;
  /// The rounds after the base may take at most this fraction of the base rounds' time.
  double extra_time = 1.0;
  double min_time_s = 0.05;         ///< Google Benchmark's minimum time per repetition
  std::optional<Policy> policy;     ///< default: spread
  std::optional<std::string> cpus;  ///< explicit list; overrides policy
  std::optional<std::vector<std::string>> events;  ///< overrides the claim's events
  /// Called with a progress message (claim, round); may be empty.
  std::function<void(const std::string&)> progress;
  /// Checked between benchmarks: set by a SIGINT handler to stop after the current one.
  const std::atomic<bool>* stop = nullptr;
  /// The Go twins' binary, prepared once per bench run (prepare_go); disabled by default.
  GoSetup go;
  /// Where benchmarks register the child processes they start (see RunConfig::children).
  ChildProcesses* children = nullptr;
};

struct VariantRun {
  std::string name;     ///< full Google Benchmark name, or a Go twin's sub-benchmark name
  int threads = 1;      ///< for a Go twin: GOMAXPROCS and the PUs it is pinned to
  bool go = false;      ///< a Go twin run as its own process
  std::string skipped;  ///< why it did not run; empty when it ran
  std::vector<Repetition> repetitions;
  std::vector<ThreadPlace> placement;
  double ops_per_iteration() const;
  /// The metric of one repetition: "ns_per_op", or a counter per op (for a Go twin the check's
  /// metric read through go_unit: ns/op, allocs/op, B/op or a reported unit).
  double metric(const Repetition& repetition, const std::string& metric_name) const;
};

/// A check's Go side: the twins it compares and how it was judged.
struct GoCheckRun {
  std::string numerator;
  std::string denominator;
  CheckOutcome outcome;
};

struct ClaimRun {
  const Claim* claim = nullptr;
  bool skipped = false;
  std::string skip_reason;
  bool interrupted = false;
  Placement placement;
  std::string shared_cache;  ///< deepest cache shared by the PUs used
  CounterPlan counters;
  std::optional<double> probe_before_ns;
  std::optional<double> probe_after_ns;
  std::vector<VariantRun> variants;
  std::vector<CheckOutcome> checks;  ///< the C++ side; a go-only claim's Go side
  /// Parallel to checks: the Go side of each check that names twins (nullopt: none named).
  std::vector<std::optional<GoCheckRun>> go_checks;
  bool go_ran = false;  ///< at least one Go twin was run
  int rounds = 0;       ///< rounds run, base and sequential together
  double seconds = 0;
  std::optional<LoadReport> load;  ///< /proc read before and after; nullopt when unreadable
  /// A C++ variant by name, or (go = true) a Go twin by name and GOMAXPROCS.
  const VariantRun* find(const std::string& name) const;
  const VariantRun* find_go(const std::string& twin, int procs) const;
};

/// The counters that explain a claim's result, in table order: the events that opened, allocs,
/// then the benchmarks' own counters (CAS failures, wait percentiles, RSS, ...), per op.
std::vector<std::string> explaining_counters(const ClaimRun& run);

/// Names of the built benchmarks that match a Google Benchmark filter regex; none for an empty
/// filter (a go-only claim's), which Google Benchmark itself would read as "all".
std::vector<std::string> list_benchmarks(const std::string& filter);

/// Thread count encoded in a benchmark name ("/threads:4"), 1 when absent.
int threads_of(const std::string& benchmark_name);

/// Why this machine cannot run the claim at all (too few cores, no SMT), or nullopt.
std::optional<std::string> cannot_run(const Claim& claim, const Topology& topology);

/// Runs one claim: placement, counters, probe, paired rounds, checks.
ClaimRun run_claim(const Claim& claim, const Topology& topology, const Placement& placement,
                   const RunOptions& options);

/// Judges every check's C++ side from the repetitions already collected, with the fixed
/// (non-sequential) interval.
std::vector<CheckOutcome> judge_checks(const Claim& claim, const ClaimRun& run);

}  // namespace claimbench
