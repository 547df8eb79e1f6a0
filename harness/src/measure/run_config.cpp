#include "claimbench/measure/run_config.hpp"

#include <atomic>

namespace claimbench {
namespace {
std::atomic<const RunConfig*> active{nullptr};
}  // namespace

ScopedRunConfig::ScopedRunConfig(const RunConfig& config) {
  const RunConfig* expected = nullptr;
  CB_CHECK(active.compare_exchange_strong(expected, &config, std::memory_order_acq_rel),
           "one run at a time: a RunConfig is already active");
}

ScopedRunConfig::~ScopedRunConfig() {
  active.store(nullptr, std::memory_order_release);
}

const RunConfig* active_run_config() noexcept {
  return active.load(std::memory_order_acquire);
}

}  // namespace claimbench
