/// Port of Go's sync.RWMutex (writer-preferring reader/writer lock) for like-for-like comparisons.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <semaphore>

#include "analogues/go_mutex.hpp"

namespace claimbench::go {

// Port of Go's src/sync/rwmutex.go (RLock/RUnlock/rUnlockSlow/Lock/Unlock/TryRLock/TryLock).
// runtime_Semacquire/Semrelease map onto C++20 semaphores; `w` (Go's sync.Mutex) onto GoMutex.
//
// Mechanism: readers only touch `reader_count_` with one atomic add, so an uncontended
// read lock is a single locked instruction (the fast path Go optimises for). A writer announces
// itself by subtracting kMaxReaders, which makes reader_count_ negative; every reader that
// arrives after that sees a negative result and sleeps on reader_sem_. That is the writer
// preference: a stream of readers cannot starve a writer. The trap, as in Go: recursive read
// locking deadlocks if a writer queues between the two lock_shared() calls.
//
// Satisfies Lockable and SharedLockable, so std::unique_lock / std::shared_lock work.
class GoRWMutex {
 public:
  // Go's rwmutexMaxReaders.
  static constexpr std::int32_t kMaxReaders = std::int32_t{1} << 30;

  GoRWMutex() = default;
  GoRWMutex(const GoRWMutex&) = delete;
  GoRWMutex& operator=(const GoRWMutex&) = delete;

  // RLock.
  void lock_shared() noexcept {
    // acq_rel: acquire pairs with a writer's release in unlock(); Go atomics are seq-cst.
    if (reader_count_.fetch_add(1, std::memory_order_acq_rel) + 1 < 0) {
      // A writer is pending or active; it will release us exactly once in unlock().
      reader_sem_.acquire();
    }
  }

  // TryRLock: never increments while a writer is pending, so it cannot "register" and block.
  bool try_lock_shared() noexcept {
    std::int32_t c = reader_count_.load(std::memory_order_relaxed);
    while (c >= 0) {
      if (reader_count_.compare_exchange_weak(c, c + 1, std::memory_order_acquire,
                                              std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  // RUnlock.
  void unlock_shared() noexcept {
    std::int32_t r = reader_count_.fetch_sub(1, std::memory_order_acq_rel);
    // Go's RUnlock is LOCK XADDL and a test of the result; GCC would fold the fetch_sub and the
    // sign test into `lock subl` + flags, an RMW Go never emits: keep the result a value.
    asm volatile("" : "+r"(r));
    if (r - 1 < 0) runlock_slow();
  }

  // Lock.
  void lock() {
    // Writers are serialised first so at most one writer manipulates the reader accounting.
    w_.lock();
    // Announce the pending writer; the old value r = readers that were already inside
    // (Go: Add(-rwmutexMaxReaders) + rwmutexMaxReaders).
    const std::int32_t r = reader_count_.fetch_sub(kMaxReaders, std::memory_order_acq_rel);
    // Wait for those r readers to depart. The departing readers may already have decremented
    // reader_wait_ (into the negative) before we add r, in which case the sum is 0 and nobody
    // will post writer_sem_: hence the "add and test" rather than "store r".
    if (r != 0 && reader_wait_.fetch_add(r, std::memory_order_acq_rel) + r != 0) {
      writer_sem_.acquire();
    }
  }

  // TryLock.
  bool try_lock() {
    if (!w_.try_lock()) return false;
    std::int32_t expected = 0;
    if (!reader_count_.compare_exchange_strong(expected, -kMaxReaders, std::memory_order_acquire,
                                               std::memory_order_relaxed)) {
      w_.unlock();
      return false;
    }
    return true;
  }

  // Unlock.
  void unlock() {
    // Re-admit readers; r = readers that arrived while we held the lock and are now asleep.
    const std::int32_t r =
        reader_count_.fetch_add(kMaxReaders, std::memory_order_acq_rel) + kMaxReaders;
    // Each of those r readers did exactly one reader_sem_.acquire() (or is about to).
    if (r > 0) reader_sem_.release(r);
    // Only now let the next writer in, so it sees the readers we just admitted as "inside" and
    // waits for them: writers and reader batches alternate.
    w_.unlock();
  }

  // Snapshot of Go's readerCount, for tests and diagnostics: >= 0 is the number of readers inside;
  // negative means a writer is pending/active and (value + kMaxReaders) readers are registered.
  std::int32_t reader_count() const noexcept {
    return reader_count_.load(std::memory_order_acquire);
  }

 private:
  // rUnlockSlow: a writer is pending; the last reader it was waiting for wakes it.
  void runlock_slow() noexcept {
    if (reader_wait_.fetch_sub(1, std::memory_order_acq_rel) - 1 == 0) writer_sem_.release();
  }

  GoMutex w_;  // held if there are pending writers
  // writer_sem_ is posted at most once per lock() and only the single writer holding w_ waits on
  // it, so a binary semaphore is exact.
  std::binary_semaphore writer_sem_{0};
  std::counting_semaphore<kMaxReaders> reader_sem_{0};  // readers waiting for a writer
  std::atomic<std::int32_t> reader_count_{0};           // pending readers (negative: writer)
  std::atomic<std::int32_t> reader_wait_{0};            // departing readers a writer waits for
};

}  // namespace claimbench::go
