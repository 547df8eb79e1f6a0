/// A spin-then-park lock with inline fast paths: the shape of Go's runtime lock (lock2).
#pragma once

#include <atomic>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace claimbench::go {

// The suite's model of Go's runtime lock (runtime/lock_futex.go: spin, then futex sleep), which
// guards a channel (hchan.lock) and the semaphore's queue. It began as the model of sync.Mutex in
// normal mode, whose shape it has; GoMutex (go_mutex.hpp) now ports sync.Mutex itself. The shape
// (src/sync/mutex.go, normal mode):
//  - Lock's fast path is one CAS 0 -> locked, inlined at the call site; Unlock's is one atomic
//    add of -locked, a test, and a call only when someone waits. glibc's pthread_mutex_lock is a
//    call through the PLT that first dispatches on the mutex type; this keeps Go's shape, so a
//    comparison with GoRWMutex (also inline) is like for like.
//  - A locker that finds the mutex held spins 4 rounds of 30 PAUSEs (Go's active_spin and
//    active_spin_cnt) watching for it to come free, and only then parks. Go parks the goroutine
//    on a semaphore; here the thread waits on the state word (std::atomic::wait, a futex on
//    Linux), with Drepper's three states (0 free, 1 locked, 2 locked with sleepers) so Unlock
//    wakes someone only when someone may sleep.
// Not modelled: starvation mode (Go switches to FIFO hand-off once a waiter has waited 1 ms),
// and Go's conditions for spinning (multicore, another P running, empty local run queue), which
// hold in a pinned two-thread benchmark. Satisfies Lockable (std::lock_guard works).
class SpinParkMutex {
 public:
  static constexpr int kSpinRounds = 4;       // Go's active_spin
  static constexpr int kPausesPerRound = 30;  // Go's active_spin_cnt (procyield(30))

  SpinParkMutex() = default;
  SpinParkMutex(const SpinParkMutex&) = delete;
  SpinParkMutex& operator=(const SpinParkMutex&) = delete;

  void lock() noexcept {
    std::int32_t expected = kFree;
    if (state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
      return;
    }
    lock_slow();
  }

  bool try_lock() noexcept {
    std::int32_t expected = kFree;
    return state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire,
                                          std::memory_order_relaxed);
  }

  void unlock() noexcept {
    // Go: new := atomic.AddInt32(&m.state, -mutexLocked); if new != 0 { m.unlockSlow(new) }
    if (state_.fetch_sub(1, std::memory_order_release) != kLocked) unlock_slow();
  }

  /// One spin-wait hint (PAUSE on x86): what Go's procyield executes.
  static void pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
  }

  /// 0 free, 1 locked, 2 locked with possible sleepers (for tests).
  std::int32_t state() const noexcept {
    return state_.load(std::memory_order_acquire);
  }

 private:
  static constexpr std::int32_t kFree = 0;
  static constexpr std::int32_t kLocked = 1;
  static constexpr std::int32_t kSleepers = 2;

  [[gnu::noinline]] void lock_slow() noexcept {
    for (int round = 0; round < kSpinRounds; ++round) {
      for (int i = 0; i < kPausesPerRound; ++i)
        pause();
      // Read before the CAS so a spinning waiter does not steal the line from the holder.
      std::int32_t expected = kFree;
      if (state_.load(std::memory_order_relaxed) == kFree &&
          state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
        return;
      }
    }
    // Park. Marking the state 2 before sleeping makes the holder's unlock wake us; whoever
    // takes the lock this way keeps it at 2, since other sleepers may remain.
    while (state_.exchange(kSleepers, std::memory_order_acquire) != kFree)
      state_.wait(kSleepers, std::memory_order_relaxed);
  }

  [[gnu::noinline]] void unlock_slow() noexcept {
    // The state was 2: sleepers may exist. Free it and wake one (Go: semrelease one waiter).
    state_.store(kFree, std::memory_order_release);
    state_.notify_one();
  }

  std::atomic<std::int32_t> state_{kFree};
};

}  // namespace claimbench::go
