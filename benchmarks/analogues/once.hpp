/// Port of Go's sync.Once: an acquire-loaded done flag in front of a mutex-guarded slow path.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <utility>

namespace claimbench::go {

// Port of Go's src/sync/once.go (Do / doSlow). `done` is first in the struct in Go too, because
// the hot path reads only it (Go's comment: "hot path is inlined at every call site").
//
// Semantics that differ from std::call_once, kept as Go has them:
//  - If f exits with an exception (Go: panics), the Once is still marked done and f is never
//    run again (Go's `defer o.done.Store(1)`); std::call_once instead leaves the flag unset so
//    the next caller retries.
//  - Callers that arrive while f runs block on the mutex until it returns; afterwards every
//    caller sees f's writes (the release store of done pairs with the acquire load in do_once).
// Calling do_once on the same Once from inside f deadlocks, as in Go.
class GoOnce {
 public:
  GoOnce() = default;
  GoOnce(const GoOnce&) = delete;
  GoOnce& operator=(const GoOnce&) = delete;

  /// Once.Do: runs f if no call has run it yet; after the first call, one acquire load.
  template <class F>
  void do_once(F&& f) {
    // The fast path, small enough to inline at each call site: one load and one branch.
    if (done_.load(std::memory_order_acquire) == 0) do_slow(std::forward<F>(f));
  }

  /// Whether a call to do_once has completed (Go has no accessor; tests use it).
  bool done() const noexcept { return done_.load(std::memory_order_acquire) != 0; }

 private:
  // Not inlined into callers: keeps the fast path a load, a test and a branch (Go's doSlow).
  template <class F>
  [[gnu::noinline]] void do_slow(F&& f) {
    std::lock_guard lock(mu_);
    if (done_.load(std::memory_order_relaxed) == 0) {
      // Destroyed before `lock`, so done is set before the mutex is released, as Go's deferred
      // calls run in reverse order; and it runs when f throws, as Go's defer runs on panic.
      struct MarkDone {
        std::atomic<std::uint32_t>& done;
        ~MarkDone() { done.store(1, std::memory_order_release); }
      } mark{done_};
      std::forward<F>(f)();
    }
  }

  std::atomic<std::uint32_t> done_{0};
  std::mutex mu_;
};

}  // namespace claimbench::go
