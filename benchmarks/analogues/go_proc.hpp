/// One Go P as Go 1.19 runs it: newproc from a G free list, runnext, checkTimers, latency tracking.
#pragma once

#include <boost/context/fiber.hpp>
#include <boost/context/preallocated.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "analogues/fiber_sanitizer.hpp"
#include "analogues/go_park.hpp"

namespace claimbench::go {

// GoScheduler (go_sched.hpp) is the P that channels.cpp and worker_pool.cpp run on: goroutines
// started before run(), a bare runnext-then-FIFO pick. This P adds what Go 1.19's runtime
// (runtime/proc.go) does on top, which the goroutine-vs-thread twins pay on every operation:
//  - `go f()` is newproc1: a dead G, with the stack it died with, from the P's free list
//    (gfget; malg(_StackMin = 2048) only when the list is empty), the initial frame built on it
//    (memclr of g.sched, gostartcallfn: a return into goexit), runqput(pp, newg, next=true):
//    into runnext, kicking the previous runnext to the queue's tail. When f returns,
//    goexit1 -> mcall(goexit0) switches to g0, which marks the G dead and gfput()s it, stack and
//    all. Here a G is a Boost.Context fiber built on the G's own stack (make_fcontext: the
//    initial frame), recycled through a free list the same way: a steady spawn loop allocates
//    no G and no stack.
//  - schedule() -> findRunnable() calls checkTimers(pp, 0) first: when any timer is pending on
//    the P (pp.timer0When != 0) it reads the clock (nanotime: vDSO clock_gettime(MONOTONIC),
//    ~50 ns on a VM whose clock is not a bare TSC) on every pick, and runs the timers that are
//    due. A Go test binary always has one: testing's -test.timeout alarm (time.AfterFunc, 10 min
//    by default), and so has any program with a deadline, a ticker or a context timeout.
//  - casgstatus tracks scheduling latency for one in 8 of a G's trips out of running
//    (gTrackingPeriod; newproc seeds the count from fastrand): a tracked G reads the clock when
//    it becomes runnable and again when it runs.
// What stays out: the status CAS loops themselves, sudog caches, the runtime lock's futex
// fallback, the global run queue every 61 ticks, netpoll, GC assists, preemption.
//
// One P: every goroutine runs on the thread that calls run(); go() may be called before run()
// or from a goroutine of this P. Not thread-safe.
class GoProc final : public GoroutineScheduler {
 public:
  // Go's _StackMin. A fiber cannot grow its stack, so pooled stacks carry a canary at the bottom,
  // checked at every goexit (a body that needs more than 2 KiB must ask for a bigger stack).
  // Unoptimised and sanitizer builds grow frames several-fold (spills, redzones): 64 KiB there.
#if !defined(NDEBUG) || defined(CLAIMBENCH_ASAN_FIBERS) || defined(CLAIMBENCH_TSAN_FIBERS)
  static constexpr std::size_t kStackMin = 64 * 1024;
#else
  static constexpr std::size_t kStackMin = 2048;
#endif

  GoProc() = default;
  GoProc(const GoProc&) = delete;
  GoProc& operator=(const GoProc&) = delete;
  ~GoProc() override {
    for (auto& g : all_)
      sanitizer_.destroy(g->san);
  }

  // `go f()`. A body with deep frames (a benchmark loop, perf reads) asks for a larger stack;
  // such a G is not pooled (Go would have grown and later shrunk its stack).
  template <class F>
  void go(F f, std::size_t stack_bytes = kStackMin) {
    G* g = stack_bytes == kStackMin ? gfget() : nullptr;
    if (g == nullptr) g = malg(stack_bytes);
    g->finished = false;
    g->tracking_seq = fastrand();
    g->tracking = g->tracking_seq % kTrackingPeriod == 0;
    if (g->tracking) g->runnable_stamp = nanotime();  // casgstatus(_Gdead -> _Grunnable)
    std::memcpy(g->stack.get(), &kCanary, sizeof kCanary);
    boost::context::stack_context sc;
    sc.size = g->stack_size;
    sc.sp = g->stack.get() + g->stack_size;
    g->self = boost::context::fiber{std::allocator_arg,
                                    boost::context::preallocated(sc.sp, sc.size, sc), KeepStack{},
                                    [g, fn = std::move(f)](boost::context::fiber&& g0) mutable {
                                      g->p->sanitizer_.entered_fiber(g->san);
                                      g->g0 = std::move(g0);
                                      fn();
                                      g->finished = true;  // goexit1
                                      g->p->sanitizer_.leaving_to_g0(g->san,
                                                                     /*dying=*/true);
                                      return std::move(g->g0);
                                    }};
    ++live_;
    if (runnext_ != nullptr) runq_.push_back(runnext_);  // runqput(pp, newg, next=true)
    runnext_ = g;
  }

  // schedule() until every goroutine has returned. Throws std::logic_error when some are parked
  // and none is runnable (Go: "all goroutines are asleep - deadlock!").
  void run() {
    while (live_ > 0) {
      check_timers();
      G* g = next();
      if (g == nullptr) throw std::logic_error("all goroutines are asleep - deadlock!");
      if (g->tracking) {  // casgstatus(_Grunnable -> _Grunning)
        runnable_ns_ += nanotime() - g->runnable_stamp;
        g->tracking = false;
      }
      current_ = this;
      running_ = g;
      sanitizer_.switching_to(g->san, g->stack.get(), g->stack_size);
      g->self = std::move(g->self).resume();
      sanitizer_.entered_g0();
      running_ = nullptr;
      current_ = nullptr;
      if (g->finished) goexit0(g);
    }
  }

  // gopark.
  void park() override {
    auto* g = static_cast<G*>(running_);
    if (g == nullptr) throw std::logic_error("GoProc::park outside a goroutine");
    if (g->tracking_seq++ % kTrackingPeriod == 0) g->tracking = true;  // _Grunning -> _Gwaiting
    sanitizer_.leaving_to_g0(g->san, /*dying=*/false);
    g->g0 = std::move(g->g0).resume();
    sanitizer_.entered_fiber(g->san);
  }

  // goready: runqput(next=true).
  void ready(void* handle) noexcept override {
    G* g = static_cast<G*>(handle);
    if (g->tracking) g->runnable_stamp = nanotime();  // casgstatus(_Gwaiting -> _Grunnable)
    if (runnext_ != nullptr) runq_.push_back(runnext_);
    runnext_ = g;
  }

  // time.AfterFunc on this P, reduced to its earliest timer (pp.timer0When): `f` runs on g0 at
  // the first schedule() at or after `when_ns` (CLOCK_MONOTONIC). One pending timer at a time.
  void start_timer(std::int64_t when_ns, std::function<void()> f) {
    timer_when_ = when_ns;
    timer_f_ = std::move(f);
  }

  // nanotime(): what Go's scheduler reads the clock with on linux/amd64.
  static std::int64_t nanotime() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  }

  // Nanoseconds tracked Gs spent runnable (sched.timeToRun): read so the reads are not dead.
  std::int64_t tracked_runnable_ns() const noexcept {
    return runnable_ns_;
  }

  // Gs created so far (malg calls): a steady spawn loop stops adding to it.
  std::size_t gs_created() const noexcept {
    return all_.size();
  }

 private:
  static constexpr std::uint64_t kCanary = 0x5ca1ab1e0ddba115ull;
  static constexpr std::uint8_t kTrackingPeriod = 8;  // gTrackingPeriod

  struct G {
    // Declared first, destroyed last: a parked fiber is unwound on this stack when destroyed.
    std::unique_ptr<unsigned char[]> stack;  // kept across reuse, as gfput keeps g.stack
    boost::context::fiber self;              // suspended context (empty while it runs or when dead)
    boost::context::fiber g0;                // the scheduler's context, while it runs
    GoProc* p = nullptr;
    std::size_t stack_size = 0;
    bool finished = false;
    bool tracking = false;          // g.tracking
    std::uint8_t tracking_seq = 0;  // g.trackingSeq
    std::int64_t runnable_stamp = 0;
    FiberSanitizerState san;
  };

  // The stack belongs to the G, not to the fiber: Boost.Context must not free it at exit.
  struct KeepStack {
    boost::context::stack_context allocate() { throw std::logic_error("preallocated only"); }
    void deallocate(boost::context::stack_context&) noexcept {}
  };

  G* malg(std::size_t stack_bytes) {
    auto g = std::make_unique<G>();
    g->p = this;
    g->stack = std::make_unique_for_overwrite<unsigned char[]>(stack_bytes);
    g->stack_size = stack_bytes;
    sanitizer_.create(g->san);
    all_.push_back(std::move(g));
    return all_.back().get();
  }

  // checkTimers(pp, 0): nothing to do, and no clock read, when no timer is pending.
  void check_timers() {
    if (timer_when_ == 0) return;
    if (nanotime() < timer_when_) return;
    timer_when_ = 0;
    std::function<void()> f = std::move(timer_f_);
    f();
  }

  // fastrand: wyrand, as Go 1.19's runtime uses on 64-bit (the low byte seeds trackingSeq).
  std::uint8_t fastrand() noexcept {
    rand_state_ += 0xa0761d6478bd642full;
    __extension__ using u128 = unsigned __int128;
    const u128 m = static_cast<u128>(rand_state_) * (rand_state_ ^ 0xe7037ed1a0b428dbull);
    return static_cast<std::uint8_t>(static_cast<std::uint64_t>(m >> 64) ^
                                     static_cast<std::uint64_t>(m));
  }

  G* gfget() {
    if (gfree_.empty()) return nullptr;
    G* g = gfree_.back();
    gfree_.pop_back();
    return g;
  }

  // goexit0 on g0: the G is dead; its stack goes back to the free list with it (gfput).
  void goexit0(G* g) {
    --live_;
    std::uint64_t canary = 0;
    std::memcpy(&canary, g->stack.get(), sizeof canary);
    if (canary != kCanary) throw std::logic_error("a goroutine overflowed its fixed stack");
    if (g->stack_size == kStackMin) gfree_.push_back(g);
  }

  G* next() {
    if (G* g = std::exchange(runnext_, nullptr)) return g;
    if (head_ == runq_.size()) return nullptr;
    G* g = runq_[head_++];
    if (head_ == runq_.size()) {
      runq_.clear();
      head_ = 0;
    }
    return g;
  }

  FiberSanitizer sanitizer_;
  std::size_t live_ = 0;
  std::int64_t timer_when_ = 0;  // pp.timer0When: 0 = no timer pending
  std::function<void()> timer_f_;
  std::int64_t runnable_ns_ = 0;
  std::uint64_t rand_state_ = 0x9e3779b97f4a7c15ull;
  G* runnext_ = nullptr;
  std::vector<G*> runq_;  // FIFO: runq_[head_..]
  std::size_t head_ = 0;
  std::vector<G*> gfree_;
  std::vector<std::unique_ptr<G>> all_;
};

}  // namespace claimbench::go
