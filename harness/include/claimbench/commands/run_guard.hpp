#pragma once
/// Keeps `bench run` answerable to an interrupt: a watchdog that saves what finished and exits.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "claimbench/catalog/claims.hpp"
#include "claimbench/error.hpp"
#include "claimbench/measure/child_processes.hpp"
#include "claimbench/measure/placement.hpp"
#include "claimbench/store/result.hpp"
#include "claimbench/store/result_model.hpp"

namespace claimbench {

/// Exit status of an interrupted run: 128 + SIGINT, what a shell reports for a Ctrl-C.
inline constexpr int kExitInterrupted = 130;

/// Reasons recorded for the claims an interrupted run did not finish.
inline constexpr const char* kNotStarted = "not started: the run was interrupted before it";
inline constexpr const char* kStoppedInRounds =
    "interrupted between rounds; its checks are judged on the rounds that finished";
inline constexpr const char* kKilledInFlight =
    "interrupted in flight: its benchmark did not return within the grace period, so nothing "
    "it measured was kept";

/// A claim the run did not finish, as the result records it: status interrupted, the claim's
/// text, the run's placement, no variants and no checks.
ClaimResult unfinished_claim(const Claim& claim, const Placement& placement, std::string reason,
                             double seconds = 0);

/// The run command's own state for interrupts. The SIGINT/SIGTERM handler only sets `stop`;
/// the runner sees it between benchmarks, which is enough when a benchmark run is short. A long
/// one (--min-time 5, a child process) does not return for seconds, so a watchdog thread notices
/// the flag, gives the benchmark in flight `grace` to return, and otherwise kills the child
/// process groups the run registered, writes the last saved record plus the claim in flight
/// (interrupted) and the claims not started, and ends the process with _exit(130) after the
/// result file's atomic rename. Every write, the main thread's and the watchdog's, goes through
/// one lock, so the file is never written twice at once and always holds a whole result.
class RunGuard {
 public:
  RunGuard(const std::atomic<bool>* stop, const ResultWriter& writer,
           std::vector<const Claim*> selected, const Placement& placement, RunRecord base,
           std::chrono::milliseconds grace = std::chrono::milliseconds(800));
  ~RunGuard();
  RunGuard(const RunGuard&) = delete;
  RunGuard& operator=(const RunGuard&) = delete;

  /// The registry benchmarks put their children in (RunOptions::children).
  ChildProcesses& children() { return children_; }
  /// Updates what a forced save starts from, without writing (e.g. the latency matrix).
  void remember(const RunRecord& record);
  /// selected[index] starts now.
  void starting(std::size_t index);
  /// Writes `record` (its claims: the first ones of `selected`, in order) and remembers it.
  Expected<void> save(const RunRecord& record);
  /// From here the main thread ends the run itself (it saw the stop, or the run is done): the
  /// watchdog stands down, and a stop that comes now no longer forces an exit.
  void finishing();
  /// Whether anything besides the placeholder was written.
  bool saved_any() const;

 private:
  void watch();
  [[noreturn]] void force_exit();

  const std::atomic<bool>* stop_;
  const ResultWriter& writer_;
  std::vector<const Claim*> selected_;
  Placement placement_;
  std::chrono::milliseconds grace_;
  ChildProcesses children_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  RunRecord saved_;  ///< the last record written (or remembered)
  bool saved_any_ = false;
  std::size_t started_ = 0;  ///< how many of selected have started
  std::chrono::steady_clock::time_point claim_started_;
  bool finishing_ = false;
  bool done_ = false;
  std::thread watchdog_;
};

}  // namespace claimbench
