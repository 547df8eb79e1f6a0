#pragma once
/// Runs a claim's benchmarks with Google Benchmark in paired rounds and judges its checks.

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "claimbench/catalog/claims.hpp"
#include "claimbench/measure/counters.hpp"
#include "claimbench/measure/machine_load.hpp"
#include "claimbench/measure/placement.hpp"
#include "claimbench/store/result_model.hpp"
#include "claimbench/measure/topology.hpp"
#include "claimbench/judge/verdict.hpp"

namespace claimbench {

class ChildProcesses;

struct RunOptions {
  int repetitions = 10;             ///< rounds; each runs every benchmark of the claim once
  double min_time_s = 0.05;         ///< Google Benchmark's minimum time per repetition
  std::optional<Policy> policy;     ///< default: spread
  std::optional<std::string> cpus;  ///< explicit list; overrides policy
  std::optional<std::vector<std::string>> events;  ///< overrides the claim's events
  /// Called with a progress message (claim, round); may be empty.
  std::function<void(const std::string&)> progress;
  /// Checked between benchmarks: set by a SIGINT handler to stop after the current one.
  const std::atomic<bool>* stop = nullptr;
  /// Where benchmarks register the child processes they start (see RunConfig::children).
  ChildProcesses* children = nullptr;
};

struct VariantRun {
  std::string name;  ///< full Google Benchmark name, e.g. "BM_FalseSharing/packed/threads:2"
  int threads = 1;
  std::string skipped;  ///< why it did not run; empty when it ran
  std::vector<Repetition> repetitions;
  std::vector<ThreadPlace> placement;
  double ops_per_iteration() const;
  /// The metric of one repetition: "ns_per_op", or a counter per op.
  double metric(const Repetition& repetition, const std::string& metric_name) const;
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
  std::vector<CheckOutcome> checks;
  double seconds = 0;
  std::optional<LoadReport> load;  ///< /proc read before and after; nullopt when unreadable
  const VariantRun* find(const std::string& name) const;
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

/// Judges every check of a claim from the repetitions already collected.
std::vector<CheckOutcome> judge_checks(const Claim& claim, const ClaimRun& run);

}  // namespace claimbench
