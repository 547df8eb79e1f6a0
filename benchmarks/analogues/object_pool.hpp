/// Go's sync.Pool modelled in C++ (per-thread private slot + per-shard shared list with
/// stealing), and a one-mutex pool as the naive baseline.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace claimbench::go {

// Go gives each P a poolLocal {private, shared}; a goroutine pins itself to its P
// (runtime_procPin) for the duration of Get/Put, so the private slot is touched by one thread
// at a time without atomics. The C++ counterpart of "my P" is a shard id leased to each thread
// for its lifetime: the lease makes the id exclusive, so the private slot is plain memory too.
// Leases are recycled when a thread exits (Google Benchmark starts fresh threads per run).
class ShardLeases {
 public:
  /// Shards per pool. Threads beyond this use the pool's locked overflow list: slower, correct.
  static constexpr unsigned kMaxShards = 64;
  static constexpr unsigned kNone = kMaxShards;

  /// The calling thread's shard id, leased on first use and returned when the thread exits.
  static unsigned this_thread() {
    thread_local const Lease lease;
    return lease.id;
  }

 private:
  struct Registry {
    std::mutex mu;
    std::vector<unsigned> free;
    unsigned next = 0;
  };
  static Registry& registry() {
    static Registry r;
    return r;
  }
  struct Lease {
    unsigned id = kNone;
    Lease() {
      Registry& r = registry();
      std::lock_guard lock(r.mu);
      if (!r.free.empty()) {
        id = r.free.back();
        r.free.pop_back();
      } else if (r.next < kMaxShards) {
        id = r.next++;
      }
    }
    ~Lease() {
      if (id == kNone) return;
      Registry& r = registry();
      std::lock_guard lock(r.mu);  // hand-off point: the next holder sees our private slots
      r.free.push_back(id);
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
  };
};

// Get: own private slot, then own shared list (newest first, as Go's popHead), then steal the
// oldest object of another shard (Go's popTail), then New. Put: private slot if empty, else the
// own shared list. Differences from Go, on purpose and documented in claims/object-pool.toml:
// the shared list is a mutex-guarded vector (Go: a lock-free chain of ring buffers; the owner's
// lock here is uncontended unless someone steals), and there is no GC: drain() stands in for the
// GC clearing the pool (Go keeps one cycle's worth in a victim cache).
template <class T>
class GoPool {
 public:
  using Ptr = std::unique_ptr<T>;
  /// `make` plays sync.Pool's New: called when no pooled object can be found.
  explicit GoPool(std::function<Ptr()> make) : make_(std::move(make)) {}
  ~GoPool() { drain(); }
  GoPool(const GoPool&) = delete;
  GoPool& operator=(const GoPool&) = delete;

  // Get and Put have sync.Pool's call structure (sync/pool.go, go1.19), not only its data
  // structure: neither is inlined (Go's inliner budget is 80 nodes; they are several hundred), and
  // each pins to its P for its duration: pin() (itself a call) calls runtime_procPin (m.locks++
  // and the P's id, a linknamed call Go cannot inline), acquire-loads localSize, loads local and
  // indexes it by the id; runtime_procUnpin is a call too. Eight calls per Get and Put pair,
  // ~10 ns of the twin's ~17 ns op here (pprof), where an all-inlined TLS slot cost ~1 ns and
  // made the pool look 5x cheaper against a mutex than Go's is (caveats).
  [[gnu::noinline]] Ptr get() {
    const unsigned id = pin();
    const bool leased = id != ShardLeases::kNone;
    Shard& mine = leased ? local_[id] : overflow_;
    if (leased && mine.private_slot != nullptr) {
      Ptr p(std::exchange(mine.private_slot, nullptr));
      proc_unpin();
      return p;
    }
    Ptr p = get_shared_or_steal(mine, id, leased);
    proc_unpin();
    return p != nullptr ? std::move(p) : make_();  // New runs unpinned, as in Go
  }

  [[gnu::noinline]] void put(Ptr object) {
    if (object == nullptr) return;
    const unsigned id = pin();
    Shard& mine = id == ShardLeases::kNone ? overflow_ : local_[id];
    if (id != ShardLeases::kNone && mine.private_slot == nullptr) {
      mine.private_slot = object.release();
    } else {
      std::lock_guard lock(mine.mu);
      mine.shared.push_back(object.release());
      mine.count.store(mine.shared.size(), std::memory_order_relaxed);
    }
    proc_unpin();
  }

  /// Frees every pooled object, as a GC cycle clears a sync.Pool. Like the GC's stop-the-world,
  /// it needs quiescence: no other thread may be in get() or put() of this pool.
  void drain() {
    for (Shard& shard : shards_)
      drain_shard(shard);
    drain_shard(overflow_);
  }

  /// Objects held by the pool now (private slots and shared lists). Needs quiescence too.
  std::size_t size() const {
    std::size_t n = 0;
    for (const Shard& shard : shards_)
      n += (shard.private_slot != nullptr ? 1 : 0) + shard.shared.size();
    return n + overflow_.shared.size();
  }

  /// Calls f(const T&) for every pooled object, e.g. to sum the memory they pin. Quiescence.
  template <class F>
  void for_each(F&& f) const {
    for (const Shard& shard : shards_) {
      if (shard.private_slot != nullptr) f(*shard.private_slot);
      for (const T* p : shard.shared)
        f(*p);
    }
    for (const T* p : overflow_.shared)
      f(*p);
  }

 private:
  // runtime_procPin / runtime_procUnpin as Go 1.19 runs them (runtime/proc.go): from the
  // goroutine, `gp.m`, then `mp.locks++` (no preemption while pinned), then `mp.p.ptr().id`: a
  // chain of dependent loads through three runtime objects, g -> m -> p, and unpin walks g -> m
  // again. Go keeps g in a register (R14); here it is one TLS load, then the same chain. Until
  // 0.4.4 pin read a TLS counter and the thread's lease id side by side: 1.1 ns of the model's
  // 12.1 ns op at one thread, where the twin's pprof gave runtime_procPin 3.5 ns of 20.
  struct ProcP {
    unsigned id;
  };
  struct ProcM {
    int locks = 0;
    ProcP* p = nullptr;
  };
  struct ProcG {
    ProcM* m = nullptr;
  };
  // One thread's g, m and p, made on its first pin and freed when it exits.
  struct Proc {
    ProcG g;
    ProcM m;
    ProcP p{ShardLeases::this_thread()};
    Proc() {
      m.p = &p;
      g.m = &m;
    }
  };
  [[gnu::noinline, gnu::cold]] static ProcG* make_proc() {
    thread_local std::unique_ptr<Proc> owner;  // touched here only: the fast path has no guard
    owner = std::make_unique<Proc>();
    return &owner->g;
  }
  static ProcG*& getg() {
    thread_local ProcG* g = nullptr;  // trivial: a plain TLS slot
    return g;
  }
  [[gnu::noinline]] static unsigned proc_pin() {
    ProcG*& g = getg();
    if (g == nullptr) [[unlikely]]
      g = make_proc();
    ProcM* m = g->m;
    ++m->locks;
    return m->p->id;
  }
  [[gnu::noinline]] static void proc_unpin() { --getg()->m->locks; }
  // Pool.pin: the id, then localSize (acquire) and local, and the id checked against the size.
  [[gnu::noinline]] unsigned pin() {
    const unsigned id = proc_pin();
    const std::size_t size = local_size_.load(std::memory_order_acquire);
    return id < size ? id : ShardLeases::kNone;
  }

  // One cache line for the owner's hot fields; the next shard's private slot is 64+ bytes away.
  struct alignas(64) Shard {
    T* private_slot = nullptr;          // only the lease holder touches it
    std::atomic<std::size_t> count{0};  // shared.size(), readable without the lock
    std::mutex mu;
    std::vector<T*> shared;
  };

  static Ptr take_locked(Shard& shard, bool newest) {
    std::lock_guard lock(shard.mu);
    if (shard.shared.empty()) return nullptr;
    T* p = nullptr;
    if (newest) {
      p = shard.shared.back();
      shard.shared.pop_back();
    } else {
      p = shard.shared.front();
      shard.shared.erase(shard.shared.begin());  // O(n), but stealing is the rare path
    }
    shard.count.store(shard.shared.size(), std::memory_order_relaxed);
    return Ptr(p);
  }

  static void drain_shard(Shard& shard) {
    delete std::exchange(shard.private_slot, nullptr);
    std::lock_guard lock(shard.mu);
    for (T* p : shard.shared)
      delete p;
    shard.shared.clear();
    shard.count.store(0, std::memory_order_relaxed);
  }

  // The rest of Get after the private slot: own shared list, steal, overflow (Go's popHead and
  // getSlow). Returns null when New must run.
  Ptr get_shared_or_steal(Shard& mine, unsigned id, bool leased) {
    if (mine.count.load(std::memory_order_relaxed) > 0) {
      if (Ptr p = take_locked(mine, /*newest=*/true)) return p;
    }
    const unsigned start = leased ? id + 1 : 0;
    for (unsigned k = 0; k < ShardLeases::kMaxShards; ++k) {
      Shard& victim = shards_[(start + k) % ShardLeases::kMaxShards];
      // Relaxed peek: a stale zero only means we allocate instead of stealing, as Go may.
      if (&victim == &mine || victim.count.load(std::memory_order_relaxed) == 0) continue;
      if (Ptr p = take_locked(victim, /*newest=*/false)) return p;
    }
    if (leased && overflow_.count.load(std::memory_order_relaxed) > 0) {
      if (Ptr p = take_locked(overflow_, /*newest=*/false)) return p;
    }
    return nullptr;
  }

  std::function<Ptr()> make_;
  Shard shards_[ShardLeases::kMaxShards];
  Shard overflow_;
  Shard* local_ = shards_;  // p.local, read through localSize as Go does
  std::atomic<std::size_t> local_size_{ShardLeases::kMaxShards};
};

// The naive pool a C++ programmer writes first: one mutex around one free list. Every Get and
// Put from every thread takes the same lock and moves objects between threads' caches.
// Mutex: std::mutex (glibc: a PLT call, futex sleep at first contention) or GoMutex, the port
// of the sync.Mutex a Go one-mutex pool uses (inline CAS, spins ~4x30 PAUSE before it parks),
// which is what a Go programmer's alternative to sync.Pool costs.
template <class T, class Mutex = std::mutex>
class MutexPool {
 public:
  using Ptr = std::unique_ptr<T>;
  explicit MutexPool(std::function<Ptr()> make) : make_(std::move(make)) {}
  ~MutexPool() { drain(); }
  MutexPool(const MutexPool&) = delete;
  MutexPool& operator=(const MutexPool&) = delete;

  Ptr get() {
    {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        T* p = free_.back();
        free_.pop_back();
        return Ptr(p);
      }
    }
    return make_();
  }

  void put(Ptr object) {
    if (object == nullptr) return;
    std::lock_guard lock(mu_);
    free_.push_back(object.release());
  }

  void drain() {
    std::lock_guard lock(mu_);
    for (T* p : free_)
      delete p;
    free_.clear();
  }

  std::size_t size() const {
    std::lock_guard lock(mu_);
    return free_.size();
  }

 private:
  std::function<Ptr()> make_;
  mutable Mutex mu_;
  std::vector<T*> free_;
};

}  // namespace claimbench::go
