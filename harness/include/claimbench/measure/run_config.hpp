#pragma once
/// What the runner tells benchmark threads for one run: the PUs to pin to and events to count.

#include <vector>

#include "claimbench/measure/counters.hpp"
#include "claimbench/measure/topology.hpp"

namespace claimbench {

class ChildProcesses;

struct RunConfig {
  const Topology* topology = nullptr;
  std::vector<unsigned> pus;      ///< thread i pins itself to pus[i]
  std::vector<EventSpec> events;  ///< opened as one group in each benchmark thread
  /// Where benchmarks register the child processes they start (owned by the run command), so
  /// an interrupt can kill them; nullptr outside `bench run`.
  ChildProcesses* children = nullptr;
};

/// Makes a RunConfig visible to benchmark threads while it lives.
///
/// Google Benchmark hands a statically registered benchmark nothing but its State, so the
/// placement and events reach it through this one read-only pointer, set by the runner around
/// RunSpecifiedBenchmarks and cleared after. Nothing else in the harness is global.
class ScopedRunConfig {
 public:
  explicit ScopedRunConfig(const RunConfig& config);
  ~ScopedRunConfig();
  ScopedRunConfig(const ScopedRunConfig&) = delete;
  ScopedRunConfig& operator=(const ScopedRunConfig&) = delete;
};

/// The config of the run in progress, or nullptr when a benchmark runs outside the runner
/// (then it runs unpinned and uncounted, and says so in its counters).
const RunConfig* active_run_config() noexcept;

}  // namespace claimbench
