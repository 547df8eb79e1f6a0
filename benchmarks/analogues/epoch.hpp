/// Epoch-based reclamation: frees what lock-free readers may still hold once none can (Go's GC).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <utility>
#include <vector>

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace claimbench::go {

// Epoch-based reclamation (EBR) standing in for Go's garbage collector.
//
// Why it exists (sync_map.hpp is its user): Go's sync.Map hands out raw pointers (the read
// snapshot, *entry, the boxed value *any) to lock-free readers and simply drops them; the GC frees
// them once no goroutine can reach them. C++ has no GC, so every object a lock-free reader may
// still hold is "retired" here and freed only after every thread has left the critical section it
// was in at retire time.
//
// Why EBR and not the alternatives:
//  * std::atomic<std::shared_ptr> (libstdc++ 12) takes an internal spin-lock bit and bumps the
//    refcount on every load: every Load would write the same cache line, which is exactly the
//    reader contention sync.Map exists to avoid (it would turn the benchmark into a refcount
//    benchmark).
//  * "Keep retired snapshots until the map dies" bounds nothing for boxed values: every Store to
//    an existing key retires one, so a store-heavy benchmark would grow without limit.
//  * Quiescent-state reclamation (QSBR) costs readers nothing per op, but every thread that ever
//    touched a map must keep announcing quiescent states or go offline by hand: one that used the
//    map once and then blocks (a test's main thread in join()) would stall reclamation forever.
// The reader side costs what Go's Load costs for the GC, close to nothing: entering writes the
// current epoch to a thread-private, cache-line-padded word with a plain store, leaving writes 0
// with a plain (release) store; no fence, no shared line written. Classic EBR needs a full barrier
// on entry (an `xchg` on x86, 8% of a sync.Map Load's samples and a pipeline drain per op) so
// that the announcement is visible before the reader's pointer loads. Here the reclaimer pays
// it instead, as Go's collector does when it preempts goroutines to scan their stacks: before
// scanning announcements, try_advance() runs membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED), which
// makes every running thread of the process execute a full barrier (an IPI; ~0.8 us measured
// here), so every announcement made before it is visible and every pointer load after it sees
// the unlinks made before it (the asymmetric fence of liburcu's "memb" flavour and Folly).
// Where the kernel refuses membarrier the readers fall back to a seq_cst exchange. The reclaimer
// collects every kBatch retirements, so the barrier's cost is ~1 ns per retired object, the
// order of Go's GC work per small allocation. A thread parked inside a guard (e.g. a slow
// range() callback) stalls reclamation for everyone, but never correctness.
namespace epoch {

struct Retired {
  void* ptr;
  void (*deleter)(void*);
  std::uint64_t epoch;  // global epoch read *after* the object was unlinked
};

// One per thread that ever entered a guard; padded so announcements never false-share.
struct alignas(64) EpochRecord {
  std::atomic<std::uint64_t> state{0};  // 0 = quiescent, else the epoch announced at entry
  std::atomic<bool> in_use{false};
  EpochRecord* next = nullptr;  // immutable once published on the domain list
};

class EpochDomain {
 public:
  static EpochDomain& instance() {
    static EpochDomain d;
    return d;
  }

  // Registering is what lets this process use the expedited (IPI) barrier; once per process.
  EpochDomain()
      : asymmetric_(syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0) {
  }
  EpochDomain(const EpochDomain&) = delete;
  EpochDomain& operator=(const EpochDomain&) = delete;

  // Runs at static destruction, after every thread_local ThreadEpoch (including main's) has
  // handed its leftovers over, so nothing can still be reading the orphans.
  ~EpochDomain() {
    for (const Retired& r : orphans_)
      r.deleter(r.ptr);
    for (EpochRecord* r = head_.load(std::memory_order_acquire); r != nullptr;) {
      EpochRecord* next = r->next;
      delete r;
      r = next;
    }
  }

  EpochRecord* acquire_record() {
    // Reuse a record of an exited thread so the scan in try_advance() stays O(live threads).
    for (EpochRecord* r = head_.load(std::memory_order_acquire); r != nullptr; r = r->next) {
      bool expected = false;
      if (!r->in_use.load(std::memory_order_relaxed) &&
          r->in_use.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
        return r;
      }
    }
    auto* r = new EpochRecord;
    r->in_use.store(true, std::memory_order_relaxed);
    r->next = head_.load(std::memory_order_relaxed);
    while (!head_.compare_exchange_weak(r->next, r, std::memory_order_release,
                                        std::memory_order_relaxed)) {
    }
    return r;
  }

  void release_record(EpochRecord* r) {
    r->state.store(0, std::memory_order_release);
    r->in_use.store(false, std::memory_order_release);
  }

  // seq_cst throughout: the safety argument needs "unlink, then read epoch" (retire side) and
  // "announce epoch, then read pointers" (reader side) to be ordered in one total order.
  std::uint64_t epoch() const { return epoch_.load(std::memory_order_seq_cst); }

  // true: readers announce with plain stores and try_advance() pays the barrier (membarrier).
  bool asymmetric() const noexcept { return asymmetric_; }

  // The reclaimer's half of the asymmetric fence: after it, every running thread has executed
  // a full barrier, so announcements stored before it are visible to the scan that follows.
  // Without membarrier the readers announce with seq_cst exchanges (classic EBR) and the
  // scan's seq_cst loads need nothing more. (No std::atomic_thread_fence anywhere: GCC rejects
  // it under -fsanitize=thread.)
  void heavy_barrier() const {
    if (!asymmetric_) return;
    // Cannot fail once registered; if it did, readers' plain announcements would be unordered.
    if (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0) std::terminate();
  }

  // The epoch may move from e to e+1 only once every active thread has announced e: then nobody
  // can still hold a pointer unlinked before epoch e-1 was current, so items retired at e-1 are
  // free once the epoch reaches e+1 (retire epoch + 2).
  void try_advance() {
    heavy_barrier();
    std::uint64_t e = epoch_.load(std::memory_order_seq_cst);
    for (EpochRecord* r = head_.load(std::memory_order_acquire); r != nullptr; r = r->next) {
      const std::uint64_t s = r->state.load(std::memory_order_seq_cst);
      if (s != 0 && s != e) return;
    }
    epoch_.compare_exchange_strong(e, e + 1, std::memory_order_seq_cst);
  }

  void orphan(std::vector<Retired>&& items) {
    if (items.empty()) return;
    std::lock_guard lk(orphan_mu_);
    orphans_.insert(orphans_.end(), items.begin(), items.end());
    has_orphans_.store(true, std::memory_order_release);
  }

  // Exited threads cannot collect their own limbo any more; live threads adopt it.
  void adopt(std::vector<Retired>& into) {
    if (!has_orphans_.load(std::memory_order_acquire)) return;
    std::lock_guard lk(orphan_mu_);
    into.insert(into.end(), orphans_.begin(), orphans_.end());
    orphans_.clear();
    has_orphans_.store(false, std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t> epoch_{1};
  std::atomic<EpochRecord*> head_{nullptr};
  std::mutex orphan_mu_;
  std::vector<Retired> orphans_;
  std::atomic<bool> has_orphans_{false};
  const bool asymmetric_;
};

class ThreadEpoch {
 public:
  // Collect only every kBatch retirements: try_advance scans all records and pays a membarrier
  // (~0.8 us, plus an interrupt of each running thread), ~1 ns per retired object at 1024.
  static constexpr std::size_t kBatch = 1024;

  // The hot path is one TLS load and a test: a pointer with constant initialisation needs no
  // TLS guard, unlike a function-local thread_local object (checked on every call).
  static ThreadEpoch& current() {
    if (ThreadEpoch* t = current_) [[likely]]
      return *t;
    return make_current();
  }

  ThreadEpoch()
      : domain_(EpochDomain::instance()),
        rec_(domain_.acquire_record()),
        asymmetric_(domain_.asymmetric()) {}
  ThreadEpoch(const ThreadEpoch&) = delete;
  ThreadEpoch& operator=(const ThreadEpoch&) = delete;
  ~ThreadEpoch() {
    current_ = nullptr;
    collect();
    domain_.orphan(std::move(limbo_));
    domain_.release_record(rec_);
  }

  // Re-entrant: range() callbacks may call back into the map. The announcement is a release
  // store, a plain `mov` on x86 (release gives an advancer that reads it a happens-before edge
  // to this thread's earlier reads, which ThreadSanitizer checks); ordering it before the
  // pointer loads that follow (store->load, the one order x86 does not keep) is the
  // reclaimer's heavy_barrier(), and a compiler barrier here keeps those loads below it.
  [[gnu::always_inline]] void enter() {
    if (depth_++ != 0) return;
    if (asymmetric_) [[likely]] {
      rec_->state.store(domain_.epoch(), std::memory_order_release);
      std::atomic_signal_fence(std::memory_order_seq_cst);
    } else {
      rec_->state.exchange(domain_.epoch(), std::memory_order_seq_cst);  // the full barrier
    }
  }

  [[gnu::always_inline]] void exit() {
    if (--depth_ != 0) return;
    // release: everything this thread read under the guard happens-before an advancer that
    // observes the quiescent state, hence before the free.
    rec_->state.store(0, std::memory_order_release);
    if (limbo_.size() >= next_collect_) collect();
  }

  void retire(void* p, void (*deleter)(void*)) { limbo_.push_back({p, deleter, domain_.epoch()}); }

 private:
  void collect() {
    domain_.adopt(limbo_);
    domain_.try_advance();
    const std::uint64_t e = domain_.epoch();
    auto keep = std::partition(limbo_.begin(), limbo_.end(),
                               [e](const Retired& r) { return r.epoch + 2 > e; });
    for (auto it = keep; it != limbo_.end(); ++it)
      it->deleter(it->ptr);
    limbo_.erase(keep, limbo_.end());
    next_collect_ = limbo_.size() + kBatch;
  }

  [[gnu::noinline]] static ThreadEpoch& make_current() {
    thread_local ThreadEpoch t;  // destroyed at thread exit: hands its limbo to the domain
    current_ = &t;
    return t;
  }

  static inline constinit thread_local ThreadEpoch* current_ = nullptr;

  EpochDomain& domain_;
  EpochRecord* rec_;
  bool asymmetric_;
  int depth_ = 0;
  std::vector<Retired> limbo_;
  std::size_t next_collect_ = kBatch;
};

class EpochGuard {
 public:
  // Inlined into every map operation: a TLS load, a depth count and two plain stores.
  [[gnu::always_inline]] EpochGuard() : t_(ThreadEpoch::current()) { t_.enter(); }
  [[gnu::always_inline]] ~EpochGuard() { t_.exit(); }
  EpochGuard(const EpochGuard&) = delete;
  EpochGuard& operator=(const EpochGuard&) = delete;

 private:
  ThreadEpoch& t_;
};

template <class T>
void retire(const T* p) {
  ThreadEpoch::current().retire(const_cast<T*>(p), [](void* q) { delete static_cast<T*>(q); });
}

}  // namespace epoch

}  // namespace claimbench::go
