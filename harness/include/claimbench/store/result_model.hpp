#pragma once
/// The typed result model: what a run found, computed once, rendered by console, notes and compare.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "claimbench/catalog/claims.hpp"
#include "claimbench/judge/stats.hpp"
#include "claimbench/judge/verdict.hpp"
#include "claimbench/store/machine.hpp"

namespace claimbench {

/// One repetition of one benchmark as Google Benchmark reported it.
struct Repetition {
  int round = 0;
  std::int64_t iterations = 0;  ///< summed over threads
  double real_time_s = 0;       ///< wall time of the run (per-thread average)
  double cpu_time_s = 0;
  /// Google Benchmark user counters as reported; NaN where a file recorded null.
  std::map<std::string, double> counters;
};

/// A repetition with its time per operation (nullopt when it ran no iterations).
struct RepetitionResult {
  Repetition measured;
  std::optional<double> ns_per_op;
};

/// Where one thread of a benchmark was pinned, and where it was last seen running.
struct ThreadPlace {
  int thread = 0;
  int pu = -1;
  int ran_on = -1;
  int core = -1;
  int package = -1;
};

/// A check's bounds, fixed in the claim file before measuring.
struct Thresholds {
  std::optional<double> at_least;
  std::optional<double> refuted_below;
  std::optional<double> at_most;
  std::optional<double> refuted_above;
  std::optional<double> within;
};

/// The outcome of the same check on one more side (the Go twin): ratio, interval, verdict.
struct SideOutcome {
  std::string numerator;    ///< the Go twin's sub-benchmark name, e.g. BenchmarkFalseSharing/packed
  std::string denominator;  ///< empty for absolute checks
  std::optional<double> estimate;
  std::optional<Interval> ci;
  double confidence = 0.95;  ///< coverage of this side's interval at the look that decided
  int pairs = 0;
  int rounds = 0;  ///< rounds measured when the verdict was reached (the sequential look)
  Verdict verdict = Verdict::inconclusive;
  std::string undecided;  ///< for INCONCLUSIVE: "borderline", "noisy" or "too few"; else empty
  std::string reason;
};

struct CheckResult {
  std::string id;
  std::string says;
  CheckKind kind = CheckKind::ratio;
  std::string numerator;    ///< full benchmark name
  std::string denominator;  ///< empty for absolute checks
  std::string metric = "ns_per_op";
  Thresholds thresholds;
  std::string mechanism;
  Verdict verdict = Verdict::inconclusive;
  std::optional<double> estimate;  ///< median paired ratio, or median value (absolute)
  std::optional<Interval> ci;
  double confidence = 0.95;
  int pairs = 0;
  std::optional<double> spread_numerator;
  std::optional<double> spread_denominator;
  std::optional<double> mechanism_ratio;
  std::string reason;
  int rounds = 0;         ///< rounds measured when the verdict was reached; 0 in older files
  std::string undecided;  ///< for INCONCLUSIVE: "borderline", "noisy" or "too few"; else empty
  std::optional<SideOutcome> go;  ///< the Go twin's outcome, when a Go run was made
  std::string go_none;  ///< why the check has no Go side (a C++-only reference); else empty
};

/// Median, 95% CI and robust spread of one metric over the repetitions.
struct MetricSummary {
  std::optional<double> median;
  std::optional<Interval> ci;
  std::optional<double> spread;
};

struct VariantSummary {
  MetricSummary ns_per_op;
  /// Counter name ("task-clock", "allocs") -> median per op; nullopt where it was not counted.
  std::map<std::string, std::optional<double>> per_op;
};

struct VariantResult {
  std::string name;     ///< full Google Benchmark name, e.g. "BM_FalseSharing/packed/threads:2"
  int threads = 1;      ///< for a Go twin: GOMAXPROCS (-test.cpu) and the PUs it was pinned to
  bool go = false;      ///< a Go twin (name is its sub-benchmark name), not a C++ variant
  std::string skipped;  ///< why it did not run; empty when it ran
  double ops_per_iteration = 1;
  std::vector<ThreadPlace> placement;
  VariantSummary summary;
  std::vector<RepetitionResult> repetitions;
};

enum class ClaimStatus { ran, skipped, interrupted };

/// Another task that was runnable on a pinned PU (see measure/machine_load.hpp).
struct CompetitorRecord {
  int pid = 0;
  std::string command;
  int pu = -1;
};

/// Whether the machine was busy around a claim: /proc read before and after it.
struct LoadRecord {
  double load_before = 0;
  double load_after = 0;
  double steal_fraction = 0;
  std::vector<CompetitorRecord> competitors;
  std::string summary;  ///< one line for console and notes; empty when the machine was quiet
};

/// The core-to-core CAS round trip between every pair of PUs (bench topology --latency).
struct LatencyRecord {
  std::vector<int> pus;
  std::vector<std::vector<std::optional<double>>> round_trip_ns;  ///< nullopt on the diagonal
};

struct ClaimPlacement {
  std::string policy;  ///< spread, compact, siblings or list
  std::vector<int> pus;
  std::string shared_cache;
};

struct CounterOutcome {
  struct Unavailable {
    std::string event;
    std::string reason;
  };
  std::vector<std::string> requested;
  std::vector<std::string> opened;
  std::vector<Unavailable> unavailable;
  bool fell_back = false;
  int perf_event_paranoid = -99;
  bool hypervisor = false;
  /// The table's counter columns: opened events, allocs, the benchmarks' own counters.
  /// Empty in results written before it was recorded.
  std::vector<std::string> explaining;
  std::string note;  ///< one line when something requested did not open, else empty
};

struct ClaimResult {
  std::string id;
  std::string title;
  std::string fidelity;
  std::string statement;
  std::string analogue;
  std::string caveats;
  std::string go_meaning;
  std::vector<Source> sources;
  ClaimStatus status = ClaimStatus::ran;
  std::string reason;  ///< why it was skipped
  double seconds = 0;
  ClaimPlacement placement;
  CounterOutcome counters;
  std::optional<double> probe_before_ns;
  std::optional<double> probe_after_ns;
  std::vector<VariantResult> variants;
  std::vector<CheckResult> checks;
  std::optional<LoadRecord> load;  ///< absent in files from before it was recorded
  std::string go_file;             ///< the Go twins' file, relative to benchmarks/go
  std::string go_none;             ///< why the claim has no Go counterpart
};

struct RunOptionsRecord {
  int repetitions = 0;  ///< base rounds
  double min_time_s = 0;
  int max_rounds = 0;  ///< the sequential round budget; 0 in files from before it existed
  bool go = false;     ///< whether Go twins were run
  /// Extra rounds' time budget as a share of the base rounds' (--extra-time); absent in files
  /// from before it was recorded.
  std::optional<double> extra_time = std::nullopt;
};

/// Everything one `bench run` produced.
struct RunRecord {
  std::string created_utc;  ///< ISO 8601
  std::string command;
  bool complete = false;
  RunOptionsRecord options;
  Machine machine;
  std::optional<std::string> go_version;  ///< set when Go twins ran
  std::string claimbench_version;         ///< bench --version; empty in files from before 0.1
  std::optional<LatencyRecord> latency;   ///< measured once per run, when it used 2+ PUs
  std::vector<ClaimResult> claims;
};

std::string_view to_string(ClaimStatus status);

/// A claim's own text (id, title, fidelity, statement, analogue, caveats, Go meaning, sources,
/// Go twins), the part of a ClaimResult that does not depend on a run.
ClaimResult claim_text(const Claim& claim);

/// A claim file's check bounds as the model holds them.
Thresholds thresholds_of(const Check& check);

}  // namespace claimbench
