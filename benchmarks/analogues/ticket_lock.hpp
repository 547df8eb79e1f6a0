/// FIFO ticket spinlock (spin, then futex-style atomic wait) as a fair-lock baseline.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>

namespace claimbench::go {

// Mechanism: a thread takes a ticket with one fetch_add and waits until now_serving_ reaches it,
// so acquisition order is exactly arrival order (strict FIFO, no starvation, no barging).
// The trap of FIFO locks: if the next ticket holder is descheduled, *everyone* behind it waits
// too (lock convoy), so on an oversubscribed machine a ticket lock can be far slower than an
// unfair mutex. Pure spinning would also burn a core per waiter forever, hence the bounded
// pause-spin followed by std::atomic::wait (a futex on Linux).
class TicketLock {
 public:
  // ~a few µs of PAUSE before sleeping: covers a short critical section on another core.
  static constexpr int kSpinLimit = 256;

  TicketLock() noexcept {
    // In a member-function body the class is complete, so offsetof is usable on private members.
    static_assert(offsetof(TicketLock, now_serving_) - offsetof(TicketLock, next_ticket_) >= 64,
                  "next_ticket_ and now_serving_ must live on different cache lines");
  }
  TicketLock(const TicketLock&) = delete;
  TicketLock& operator=(const TicketLock&) = delete;

  void lock() noexcept {
    // relaxed: the ticket only orders us among waiters; the acquire is on now_serving_.
    const std::uint32_t ticket = next_ticket_.fetch_add(1, std::memory_order_relaxed);
    std::uint32_t serving = now_serving_.load(std::memory_order_acquire);
    int spins = 0;
    while (serving != ticket) {
      if (spins < kSpinLimit) {
        ++spins;
        relax();
      } else {
        // Sleeps only while now_serving_ still equals `serving`, so a hand-off between the
        // load and the wait cannot be missed.
        now_serving_.wait(serving, std::memory_order_acquire);
      }
      serving = now_serving_.load(std::memory_order_acquire);
    }
  }

  // Succeeds only when nobody holds or waits for the lock; never takes a ticket it would have to
  // wait for (that would make try_lock blocking).
  bool try_lock() noexcept {
    std::uint32_t serving = now_serving_.load(std::memory_order_acquire);
    // If next_ticket_ == serving, every issued ticket has been served, so the lock is free and
    // now_serving_ cannot move until someone takes ticket `serving` — which the CAS does.
    return next_ticket_.compare_exchange_strong(serving, serving + 1, std::memory_order_acquire,
                                                std::memory_order_relaxed);
  }

  void unlock() noexcept {
    // Only the holder writes now_serving_, so load+store is enough (no RMW needed).
    now_serving_.store(now_serving_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    // notify_all, not notify_one: sleepers wait for different tickets and notify_one could wake
    // the wrong one. libstdc++ skips the syscall when nobody is sleeping on the address.
    now_serving_.notify_all();
  }

  // Tickets issued but not yet finished (holder + waiters); for tests and diagnostics only.
  std::uint32_t queued() const noexcept {
    const std::uint32_t serving = now_serving_.load(std::memory_order_acquire);
    return next_ticket_.load(std::memory_order_acquire) - serving;
  }

 private:
  static void relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
  }

  // Separate cache lines: arrivals hammer next_ticket_ while waiters poll now_serving_; sharing a
  // line would make every arrival invalidate every waiter's cached copy (false sharing).
  alignas(64) std::atomic<std::uint32_t> next_ticket_{0};
  alignas(64) std::atomic<std::uint32_t> now_serving_{0};
};

static_assert(alignof(TicketLock) >= 64 && sizeof(TicketLock) >= 128);
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

}  // namespace claimbench::go
