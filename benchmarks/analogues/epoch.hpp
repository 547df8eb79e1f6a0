/// Epoch-based reclamation: frees what lock-free readers may still hold once none can (Go's GC).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

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
// The price of EBR: each operation writes a thread-private, cache-line-padded announcement word
// (one seq_cst store, an xchg on x86) on entry and a plain store on exit. That is per-thread, so
// it scales; Go's Load has no such cost (the GC pays elsewhere). A thread parked inside a guard
// (e.g. a slow range() callback) stalls reclamation for everyone, but never correctness.
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

  EpochDomain() = default;
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

  // The epoch may move from e to e+1 only once every active thread has announced e: then nobody
  // can still hold a pointer unlinked before epoch e-1 was current, so items retired at e-1 are
  // free once the epoch reaches e+1 (retire epoch + 2).
  void try_advance() {
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
};

class ThreadEpoch {
 public:
  // Collect only every kBatch retirements: try_advance scans all records.
  static constexpr std::size_t kBatch = 128;

  static ThreadEpoch& current() {
    thread_local ThreadEpoch t;
    return t;
  }

  ThreadEpoch() : domain_(EpochDomain::instance()), rec_(domain_.acquire_record()) {}
  ThreadEpoch(const ThreadEpoch&) = delete;
  ThreadEpoch& operator=(const ThreadEpoch&) = delete;
  ~ThreadEpoch() {
    collect();
    domain_.orphan(std::move(limbo_));
    domain_.release_record(rec_);
  }

  // Re-entrant: range() callbacks may call back into the map.
  void enter() {
    if (depth_++ == 0) rec_->state.store(domain_.epoch(), std::memory_order_seq_cst);
  }

  void exit() {
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

  EpochDomain& domain_;
  EpochRecord* rec_;
  int depth_ = 0;
  std::vector<Retired> limbo_;
  std::size_t next_collect_ = kBatch;
};

class EpochGuard {
 public:
  EpochGuard() : t_(ThreadEpoch::current()) { t_.enter(); }
  ~EpochGuard() { t_.exit(); }
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
