#pragma once
/// The child processes a run started (each in its own process group), so an interrupt can kill
/// them.

#include <sys/types.h>

#include <functional>
#include <mutex>
#include <set>

namespace claimbench {

/// Owned by the run command and reached by benchmarks through RunConfig::children. A child is
/// started with start(), which holds the lock across the fork or spawn and the registration, so
/// kill_all() sees every child that exists: none is started after it, and none slips between
/// its start and its registration. Benchmarks without a RunConfig (a bare Google Benchmark run)
/// start their children directly; nothing then needs to kill them.
class ChildProcesses {
 public:
  /// Runs `start_child` (a fork or posix_spawn that puts the child in its own process group and
  /// returns its pid, or -1) under the lock and registers the group. Returns -1 without calling
  /// it once kill_all() has run: the run is ending and no child may outlive it.
  pid_t start(const std::function<pid_t()>& start_child);
  /// The child was reaped: forget its group (a kill must not reach a recycled pid).
  void finished(pid_t pid);
  /// SIGKILLs every registered group and refuses new children; returns how many it killed.
  int kill_all();
  /// How many children are running now.
  std::size_t running() const;

 private:
  mutable std::mutex mutex_;
  std::set<pid_t> groups_;
  bool closed_ = false;
};

/// Starts a child through the active run's registry when there is one, else directly.
/// `start_child` must put the child in its own process group (setpgid/POSIX_SPAWN_SETPGROUP).
pid_t start_child_process(const std::function<pid_t()>& start_child);
/// Tells the active run's registry (if any) that `pid` was reaped.
void child_process_finished(pid_t pid);

}  // namespace claimbench
