// The registry of child process groups a run started, for killing them on an interrupt.
#include "claimbench/measure/child_processes.hpp"

#include <signal.h>

#include "claimbench/measure/run_config.hpp"

namespace claimbench {

pid_t ChildProcesses::start(const std::function<pid_t()>& start_child) {
  std::lock_guard lock(mutex_);
  if (closed_) return -1;
  const pid_t pid = start_child();
  if (pid > 0) groups_.insert(pid);
  return pid;
}

void ChildProcesses::finished(pid_t pid) {
  std::lock_guard lock(mutex_);
  groups_.erase(pid);
}

int ChildProcesses::kill_all() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  int killed = 0;
  // The group id is the child's pid: each child leads its own group.
  for (const pid_t group : groups_) {
    if (::kill(-group, SIGKILL) == 0) ++killed;
  }
  return killed;
}

std::size_t ChildProcesses::running() const {
  std::lock_guard lock(mutex_);
  return groups_.size();
}

pid_t start_child_process(const std::function<pid_t()>& start_child) {
  const RunConfig* config = active_run_config();
  if (config == nullptr || config->children == nullptr) return start_child();
  return config->children->start(start_child);
}

void child_process_finished(pid_t pid) {
  const RunConfig* config = active_run_config();
  if (config != nullptr && config->children != nullptr) config->children->finished(pid);
}

}  // namespace claimbench
