// The run command's interrupt watchdog: bounded response to Ctrl-C/SIGTERM, a whole result kept.
#include "claimbench/commands/run_guard.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

#include "claimbench/store/result_json.hpp"

namespace claimbench {

ClaimResult unfinished_claim(const Claim& claim, const Placement& placement, std::string reason,
                             double seconds) {
  ClaimResult out = claim_text(claim);
  out.status = ClaimStatus::interrupted;
  out.reason = std::move(reason);
  out.seconds = seconds;
  out.placement.policy = std::string(to_string(placement.policy));
  for (const auto& pu : placement.pus)
    out.placement.pus.push_back(static_cast<int>(pu.os_index));
  return out;
}

RunGuard::RunGuard(const std::atomic<bool>* stop, const ResultWriter& writer,
                   std::vector<const Claim*> selected, const Placement& placement, RunRecord base,
                   std::chrono::milliseconds grace)
    : stop_(stop),
      writer_(writer),
      selected_(std::move(selected)),
      placement_(placement),
      grace_(grace),
      saved_(std::move(base)) {
  if (stop_ != nullptr) watchdog_ = std::thread([this] { watch(); });
}

RunGuard::~RunGuard() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  wake_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
}

void RunGuard::remember(const RunRecord& record) {
  std::lock_guard lock(mutex_);
  saved_ = record;
}

void RunGuard::starting(std::size_t index) {
  std::lock_guard lock(mutex_);
  started_ = index + 1;
  claim_started_ = std::chrono::steady_clock::now();
}

Expected<void> RunGuard::save(const RunRecord& record) {
  std::lock_guard lock(mutex_);
  if (auto ok = writer_.write(to_json(record)); !ok) return ok;
  saved_ = record;
  saved_any_ = true;
  return {};
}

void RunGuard::finishing() {
  {
    std::lock_guard lock(mutex_);
    finishing_ = true;
  }
  wake_.notify_all();
}

bool RunGuard::saved_any() const {
  std::lock_guard lock(mutex_);
  return saved_any_;
}

void RunGuard::watch() {
  using namespace std::chrono;
  std::unique_lock lock(mutex_);
  // A signal handler cannot notify a condition variable, so the flag is polled: every 20 ms
  // costs nothing measurable and keeps the response well inside the grace period.
  while (!done_ && !finishing_ && !stop_->load())
    wake_.wait_for(lock, milliseconds(20));
  if (done_ || finishing_) return;
  std::fputs(
      "\nbench: stopping: the benchmark in flight may finish its round, then what "
      "finished is saved (again to kill at once)\n",
      stderr);
  const auto deadline = steady_clock::now() + grace_;
  while (!done_ && !finishing_ && steady_clock::now() < deadline)
    wake_.wait_until(lock, deadline);
  if (done_ || finishing_) return;
  force_exit();
}

// Called with mutex_ held and never returns, so no other write can start after this one.
void RunGuard::force_exit() {
  const int killed = children_.kill_all();
  RunRecord record = saved_;
  record.complete = false;
  const std::size_t finished = record.claims.size();
  for (std::size_t i = finished; i < selected_.size(); ++i) {
    const bool in_flight = i < started_;
    const double seconds =
        in_flight ? std::chrono::duration<double>(std::chrono::steady_clock::now() - claim_started_)
                        .count()
                  : 0.0;
    record.claims.push_back(unfinished_claim(*selected_[i], placement_,
                                             in_flight ? kKilledInFlight : kNotStarted, seconds));
  }
  std::string message;
  if (auto ok = writer_.write(to_json(record)); ok) {
    message = fmt::format("bench: interrupted; kept what finished in {}", writer_.path().string());
  } else if (saved_any_) {
    message = fmt::format("bench: {}; the last complete result stays in {}", ok.error().message,
                          writer_.path().string());
  } else {
    writer_.discard();
    message = fmt::format("bench: {}; nothing was kept", ok.error().message);
  }
  if (killed > 0)
    message += fmt::format(" (killed {} child process group{})", killed, killed == 1 ? "" : "s");
  message += "\n";
  // write(2), not stdio: the main thread may hold stdout's lock in the middle of a table.
  [[maybe_unused]] const auto n = ::write(STDERR_FILENO, message.data(), message.size());
  ::_exit(kExitInterrupted);
}

}  // namespace claimbench
