/// One Go P in user space: goroutines as Boost.Context fibers, a runnext slot and a FIFO run queue.
#pragma once

#include <boost/context/fiber.hpp>
#include <boost/context/fixedsize_stack.hpp>
#include <boost/context/preallocated.hpp>

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "analogues/fiber_sanitizer.hpp"
#include "analogues/go_park.hpp"

namespace claimbench::go {

// What Go's scheduler does for a channel hand-off between goroutines (runtime/proc.go, chan.go,
// Go 1.19): the blocked goroutine gopark()s (its M switches to g0 and runs schedule()), and the
// peer that completes it calls goready() -> runqput(pp, gp, next=true), putting it in the
// completer's own P's runnext slot. When the completer blocks in turn, schedule() takes runnext
// first: the two goroutines alternate on one thread with a user-space switch (~100-300 ns in
// Go, a few ns for the bare fiber jump here) and no futex. With two Ps the ping-pong still
// collapses onto one P: another P steals runnext only after it has been there ~3 µs
// (runqgrab's usleep(3)), longer than a hand-off takes. This class is one P: every goroutine
// runs on the thread that calls run(), in runnext-then-FIFO order; no stealing, no preemption.
//
// Not thread-safe: ready() must be called from a goroutine of this scheduler (a Channel with
// WaitPolicy::goroutine is only used by goroutines of one scheduler). Nested run() is not
// supported (one P per thread).
class GoScheduler final : public GoroutineScheduler {
 public:
  struct G {
    boost::context::fiber self;  // the goroutine's suspended context (empty while it runs)
    boost::context::fiber g0;    // the scheduler's context, while the goroutine runs
    GoScheduler* sched = nullptr;
    bool finished = false;
    const void* stack_bottom = nullptr;  // for sanitizer annotations only
    std::size_t stack_size = 0;
    FiberSanitizerState san;
  };

  // Go's goroutines start with 2 KiB and grow; a fiber cannot grow, so each gets a fixed stack
  // large enough for what runs on it (benchmark bookkeeping, perf reads). The stack size does
  // not enter the switch cost.
  static constexpr std::size_t kStackBytes = 256 * 1024;

  GoScheduler() = default;
  GoScheduler(const GoScheduler&) = delete;
  GoScheduler& operator=(const GoScheduler&) = delete;

  // `go f()`: the new goroutine goes to the tail of the run queue (newproc puts it in runnext;
  // FIFO here keeps the start order of a benchmark's goroutines predictable).
  void go(std::function<void()> f) {
    auto g = std::make_unique<G>();
    G* raw = g.get();
    raw->sched = this;
    boost::context::fixedsize_stack salloc{kStackBytes};
    const boost::context::stack_context sc = salloc.allocate();
    raw->stack_bottom = static_cast<const char*>(sc.sp) - sc.size;
    raw->stack_size = sc.size;
    sanitizer_.create(raw->san);
    raw->self =
        boost::context::fiber{std::allocator_arg, boost::context::preallocated(sc.sp, sc.size, sc),
                              salloc, [raw, fn = std::move(f)](boost::context::fiber&& g0) mutable {
                                raw->sched->sanitizer_.entered_fiber(raw->san);
                                raw->g0 = std::move(g0);
                                fn();
                                raw->finished = true;
                                raw->sched->sanitizer_.leaving_to_g0(raw->san,
                                                                     /*dying=*/true);
                                return std::move(raw->g0);
                              }};
    runq_.push_back(raw);
    all_.push_back(std::move(g));
  }

  // Runs goroutines until all have returned. Throws std::logic_error when some are parked and
  // none is runnable (Go: "fatal error: all goroutines are asleep - deadlock!"). An exception
  // escaping a goroutine terminates (as an unrecovered panic ends a Go program).
  void run() {
    std::size_t live = all_.size();
    while (live > 0) {
      G* g = next();
      if (g == nullptr) throw std::logic_error("all goroutines are asleep - deadlock!");
      current_ = this;
      running_ = g;
      sanitizer_.switching_to(g->san, g->stack_bottom, g->stack_size);
      g->self = std::move(g->self).resume();
      sanitizer_.entered_g0();
      running_ = nullptr;
      current_ = nullptr;
      if (g->finished) {
        --live;
        sanitizer_.destroy(g->san);
      }
    }
  }

  // gopark: the running goroutine gives its thread back to the scheduler until ready().
  void park() override {
    auto* g = static_cast<G*>(running_);
    if (g == nullptr) throw std::logic_error("GoScheduler::park outside a goroutine");
    sanitizer_.leaving_to_g0(g->san, /*dying=*/false);
    g->g0 = std::move(g->g0).resume();
    sanitizer_.entered_fiber(g->san);
  }

  // goready: runqput(next=true). A goroutine already in runnext is kicked to the queue's tail
  // (push_back may throw bad_alloc only when the queue grows: terminate, as Go would throw).
  void ready(void* handle) noexcept override {
    G* g = static_cast<G*>(handle);
    if (runnext_ != nullptr) runq_.push_back(runnext_);
    runnext_ = g;
  }

 private:
  G* next() {
    if (G* g = std::exchange(runnext_, nullptr)) return g;
    if (runq_.empty()) return nullptr;
    G* g = runq_.front();
    runq_.pop_front();
    return g;
  }

  FiberSanitizer sanitizer_;
  G* runnext_ = nullptr;
  std::deque<G*> runq_;
  std::vector<std::unique_ptr<G>> all_;
};

}  // namespace claimbench::go
