/// Go's sync.Mutex as Go 1.19 writes it: the state word's four fields, both modes, a semaphore.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>

#include "analogues/spin_park_mutex.hpp"

namespace claimbench::go {

// runtime/sema.go's semaphore for one address, as sync.Mutex uses it (runtime_SemacquireMutex,
// runtime_Semrelease): a count, and a queue of parked waiters behind a runtime lock (the
// semaRoot's; SpinParkMutex has the runtime lock's shape: spin, then futex). A waiter parks on
// a word of its own (Go: gopark of its goroutine; here: a futex wait of its thread) and is
// queued at the back, or at the front when it has waited before (lifo: Go's queueLifo, so a
// waiter woken and beaten to the lock goes first next time). Release with handoff takes the
// count for the woken waiter before waking it (s.ticket = 1), so nobody can steal it between.
// Not modelled: Go's goyield after a handoff (which lets the woken goroutine run at once on the
// releaser's P; threads have no such hand-over) and the treap of addresses (one address here).
class GoSema {
 public:
  GoSema() = default;
  GoSema(const GoSema&) = delete;
  GoSema& operator=(const GoSema&) = delete;

  // semacquire1
  void acquire(bool lifo) noexcept {
    if (try_acquire()) return;
    Waiter self;
    for (;;) {
      lock_.lock();
      nwait_.fetch_add(1);
      if (try_acquire()) {
        nwait_.fetch_sub(1);
        lock_.unlock();
        return;
      }
      enqueue(&self, lifo);
      lock_.unlock();
      while (self.woken.load(std::memory_order_acquire) == 0)  // goparkunlock
        self.woken.wait(0, std::memory_order_acquire);
      if (self.ticket != 0 || try_acquire()) return;
      self.woken.store(0, std::memory_order_relaxed);
    }
  }

  // semrelease1
  void release(bool handoff) noexcept {
    count_.fetch_add(1);
    if (nwait_.load() == 0) return;  // easy case: no waiter to wake
    lock_.lock();
    if (nwait_.load() == 0) {  // the count was consumed by another goroutine
      lock_.unlock();
      return;
    }
    Waiter* w = dequeue();
    if (w != nullptr) nwait_.fetch_sub(1);
    lock_.unlock();
    if (w == nullptr) return;
    if (handoff && try_acquire()) w->ticket = 1;
    auto& woken = w->woken;  // the waiter may return once it sees 1: only its address is used
    woken.store(1, std::memory_order_release);
    woken.notify_one();  // readyWithTime
  }

 private:
  struct Waiter {
    std::atomic<std::uint32_t> woken{0};
    std::uint32_t ticket = 0;
    Waiter* next = nullptr;
  };

  bool try_acquire() noexcept {  // cansemacquire
    std::uint32_t v = count_.load();
    while (v != 0) {
      if (count_.compare_exchange_weak(v, v - 1)) return true;
    }
    return false;
  }
  void enqueue(Waiter* w, bool lifo) noexcept {
    w->next = nullptr;
    if (head_ == nullptr) {
      head_ = tail_ = w;
    } else if (lifo) {
      w->next = head_;
      head_ = w;
    } else {
      tail_->next = w;
      tail_ = w;
    }
  }
  Waiter* dequeue() noexcept {
    Waiter* w = head_;
    if (w != nullptr) {
      head_ = w->next;
      if (head_ == nullptr) tail_ = nullptr;
    }
    return w;
  }

  std::atomic<std::uint32_t> count_{0};
  std::atomic<std::uint32_t> nwait_{0};
  SpinParkMutex lock_;
  Waiter* head_ = nullptr;  // guarded by lock_
  Waiter* tail_ = nullptr;
};

// src/sync/mutex.go, Go 1.19, statement for statement. The state word holds mutexLocked,
// mutexWoken (a spinner or a woken waiter is on its way, so Unlock need not wake another),
// mutexStarving and the count of waiters parked on the semaphore. Normal mode: a woken waiter
// competes with arriving goroutines, which usually win (they are already running), so it
// re-queues at the front; a waiter that has waited over 1 ms switches the mutex to starvation
// mode, where Unlock hands ownership straight to the waiter at the front and arrivals queue at
// the back without spinning, until a waiter that did not wait long, or the last one, switches it
// back. runtime_canSpin is taken as true for the first 4 tries (multicore, another P running,
// an empty local run queue: true in a pinned two-thread benchmark); runtime_doSpin is 30 PAUSEs.
// Lock and Unlock's fast paths are Go's: one CAS 0 -> locked, one atomic add of -locked.
// Satisfies Lockable (std::lock_guard works).
class GoMutex {
 public:
  static constexpr std::int32_t kLocked = 1;
  static constexpr std::int32_t kWoken = 2;
  static constexpr std::int32_t kStarving = 4;
  static constexpr int kWaiterShift = 3;
  static constexpr std::int64_t kStarvationNs = 1'000'000;               // starvationThresholdNs
  static constexpr int kSpinTries = SpinParkMutex::kSpinRounds;          // active_spin
  static constexpr int kPausesPerSpin = SpinParkMutex::kPausesPerRound;  // active_spin_cnt

  GoMutex() = default;
  GoMutex(const GoMutex&) = delete;
  GoMutex& operator=(const GoMutex&) = delete;

  void lock() noexcept {
    std::int32_t expected = 0;
    if (state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
      return;
    }
    lock_slow();
  }

  bool try_lock() noexcept {  // Go 1.18's TryLock
    std::int32_t old = state_.load(std::memory_order_relaxed);
    if ((old & (kLocked | kStarving)) != 0) return false;
    return state_.compare_exchange_strong(old, old | kLocked, std::memory_order_acquire,
                                          std::memory_order_relaxed);
  }

  void unlock() noexcept {
    std::int32_t old = state_.fetch_sub(kLocked, std::memory_order_release);
    // Go's Unlock is LOCK XADDL and a test of the new state; GCC would fold the fetch_sub and
    // the zero test into `lock subl` + flags, an RMW Go never emits: keep the result a value.
    asm volatile("" : "+r"(old));
    const std::int32_t now = old - kLocked;
    if (now != 0) unlock_slow(now);
  }

  /// The state word (for tests): kLocked | kWoken | kStarving | waiters << kWaiterShift.
  std::int32_t state() const noexcept { return state_.load(std::memory_order_acquire); }

 private:
  static std::int64_t nanotime() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  static void do_spin() noexcept {
    for (int i = 0; i < kPausesPerSpin; ++i)
      SpinParkMutex::pause();
  }

  [[gnu::noinline]] void lock_slow() noexcept {
    std::int64_t wait_start = 0;
    bool starving = false;
    bool awoke = false;
    int iter = 0;
    std::int32_t old = state_.load(std::memory_order_relaxed);
    for (;;) {
      // Spin only in normal mode, while the mutex is held: in starvation mode it goes to the
      // waiters, so spinning is useless.
      if ((old & (kLocked | kStarving)) == kLocked && iter < kSpinTries) {
        // Set woken, so Unlock does not wake a parked waiter while this one is about to win.
        if (!awoke && (old & kWoken) == 0 && (old >> kWaiterShift) != 0 &&
            state_.compare_exchange_strong(old, old | kWoken)) {
          awoke = true;
        }
        do_spin();
        ++iter;
        old = state_.load(std::memory_order_relaxed);
        continue;
      }
      std::int32_t next = old;
      if ((old & kStarving) == 0) next |= kLocked;  // starving: arrivals queue, never acquire
      if ((old & (kLocked | kStarving)) != 0) next += 1 << kWaiterShift;
      if (starving && (old & kLocked) != 0) next |= kStarving;
      if (awoke) {
        if ((next & kWoken) == 0) std::abort();  // Go: throw("sync: inconsistent mutex state")
        next &= ~kWoken;
      }
      if (state_.compare_exchange_strong(old, next, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
        if ((old & (kLocked | kStarving)) == 0) break;  // locked it with the CAS
        const bool lifo = wait_start != 0;
        if (wait_start == 0) wait_start = nanotime();
        sema_.acquire(lifo);
        starving = starving || nanotime() - wait_start > kStarvationNs;
        old = state_.load(std::memory_order_acquire);
        if ((old & kStarving) != 0) {
          // Handed over in starvation mode: the mutex is ours, but the state still says free
          // and counts us as a waiter.
          if ((old & (kLocked | kWoken)) != 0 || (old >> kWaiterShift) == 0) std::abort();
          std::int32_t delta = kLocked - (1 << kWaiterShift);
          if (!starving || (old >> kWaiterShift) == 1) delta -= kStarving;  // exit starvation
          state_.fetch_add(delta, std::memory_order_acquire);
          break;
        }
        awoke = true;
        iter = 0;
      }
      // A failed CAS has reloaded `old`.
    }
  }

  [[gnu::noinline]] void unlock_slow(std::int32_t now) noexcept {
    if (((now + kLocked) & kLocked) == 0) std::abort();  // Go: fatal("unlock of unlocked mutex")
    if ((now & kStarving) == 0) {
      std::int32_t old = now;
      for (;;) {
        // No waiters, or someone already woken or grabbed the lock: nothing to wake.
        if ((old >> kWaiterShift) == 0 || (old & (kLocked | kWoken | kStarving)) != 0) return;
        const std::int32_t next = (old - (1 << kWaiterShift)) | kWoken;
        if (state_.compare_exchange_strong(old, next)) {
          sema_.release(false);
          return;
        }
      }
    }
    sema_.release(true);  // starvation mode: hand ownership to the next waiter
  }

  std::atomic<std::int32_t> state_{0};
  GoSema sema_;
};

}  // namespace claimbench::go
