/// gopark / goready as an interface, so a channel can park goroutines without depending on fibers.
#pragma once

namespace claimbench::go {

// One P's scheduler as a channel sees it (implemented by GoScheduler, go_sched.hpp). Kept free
// of Boost.Context so code that never uses the goroutine policy (the OS-thread channels, the
// race workloads) does not link the fiber library. The virtual calls cost ~1-2 ns per park or
// ready; Go's gopark/goready are calls too (mcall to g0, then schedule()).
class GoroutineScheduler {
 public:
  virtual ~GoroutineScheduler() = default;
  // gopark: the running goroutine gives its thread back until ready() is called on it.
  virtual void park() = 0;
  // goready: make `g` (a running() value of this scheduler) runnable.
  virtual void ready(void* g) noexcept = 0;
  // The goroutine running now, as an opaque handle.
  void* running() const noexcept { return running_; }

  // The scheduler running a goroutine on this thread, or nullptr outside any goroutine.
  static GoroutineScheduler* current() noexcept { return current_; }

 protected:
  static inline thread_local GoroutineScheduler* current_ = nullptr;
  void* running_ = nullptr;
};

}  // namespace claimbench::go
