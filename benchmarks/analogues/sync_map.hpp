/// Go sync.Map (Go 1.19/1.20 read/dirty design) for read-mostly concurrent-map benchmarks.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace claimbench::go {

// ---------------------------------------------------------------------------------------------
// Epoch-based reclamation (EBR) standing in for Go's garbage collector.
//
// Why it exists: Go's sync.Map hands out raw pointers (the read snapshot, *entry, the boxed
// value *any) to lock-free readers and simply drops them; the GC frees them once no goroutine can
// reach them. C++ has no GC, so every object a lock-free reader may still hold is "retired" here
// and freed only after every thread has left the critical section it was in at retire time.
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
namespace syncmap_detail {

struct Retired {
  void* ptr;
  void (*deleter)(void*);
  std::uint64_t epoch;  // global epoch read *after* the object was unlinked
};

// One per thread that ever touched a SyncMap; padded so announcements never false-share.
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

}  // namespace syncmap_detail

// Mechanism (Go 1.19/1.20 src/sync/map.go): two maps.
//  * read_: an immutable snapshot {m, amended} published through one atomic pointer. Loads,
//    and Stores/Deletes of keys already in it, never take the mutex: they only touch the
//    entry's atomic value pointer.
//  * dirty_: a mutex-protected map holding every live key (a superset of read_.m minus expunged
//    entries) plus keys added since the last promotion; `amended` says "dirty has keys read
//    lacks".
// Entries are shared objects referenced from both maps, so updating a value through the read map
// updates it "in dirty" too. Loads that miss the read map while amended take the lock and count a
// miss; once misses >= len(dirty), the copy cost is amortised and dirty becomes the new read map
// wholesale (no copy: the map object changes hands).
//
// The trap: sync.Map only wins for read-mostly or disjoint-key workloads. A stream of *new* keys
// keeps amended set, so loads of them go through the mutex, and every first new key after a
// promotion copies the whole read map into a fresh dirty map (O(n) under the lock).
//
// The value slot is an atomic pointer to an immutable box with two sentinels, as in Go:
// nullptr = deleted but still present in dirty (or dirty absent); expunged = deleted and *not* in
// dirty, so a store must first re-add the entry to dirty under the lock (otherwise the next
// promotion would drop the key). Every store allocates a box, as Go's `&value` escapes to the heap.
template <class K, class V, class Hash = std::hash<K>, class KeyEq = std::equal_to<K>>
class SyncMap {
  static_assert(std::is_copy_constructible_v<V>, "SyncMap values are copied out on load");

  struct Box {
    V value;
  };

  struct Entry {
    std::atomic<Box*> p;

    explicit Entry(Box* b) : p(b) {}
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    ~Entry() {
      Box* b = p.load(std::memory_order_relaxed);
      if (is_value(b)) delete b;
    }

    std::optional<V> load() const {
      Box* b = p.load();
      if (!is_value(b)) return std::nullopt;
      return b->value;
    }

    // Go's trySwap: lock-free unless expunged. Returns the old box (may be nullptr).
    bool try_swap(Box* nb, Box*& old) {
      Box* b = p.load();
      for (;;) {
        if (b == expunged()) return false;
        if (p.compare_exchange_weak(b, nb)) {
          old = b;
          return true;
        }
      }
    }

    // Go's tryLoadOrStore. `ok == false` means expunged: caller must retry under the lock.
    struct LoadOrStore {
      std::optional<V> actual;  // set when loaded
      bool ok;
    };
    LoadOrStore try_load_or_store(const V& v) {
      Box* b = p.load();
      if (b == expunged()) return {std::nullopt, false};
      if (b != nullptr) return {b->value, true};
      // Allocate only once we know we will try to store (Go copies the interface here too).
      auto nb = std::make_unique<Box>(Box{v});
      for (;;) {
        Box* expected = nullptr;
        if (p.compare_exchange_strong(expected, nb.get())) {
          nb.release();
          return {std::nullopt, true};
        }
        if (expected == expunged()) return {std::nullopt, false};
        if (expected != nullptr) return {expected->value, true};
      }
    }

    // Go's entry.delete: value -> nil, never touching expunged.
    void remove() {
      Box* b = p.load();
      while (is_value(b)) {
        if (p.compare_exchange_weak(b, nullptr)) {
          syncmap_detail::retire(b);
          return;
        }
      }
    }

    // Only under the map mutex: expunged <-> nil transitions are what keep dirty consistent.
    bool unexpunge_locked() {
      Box* e = expunged();
      return p.compare_exchange_strong(e, nullptr);
    }
    bool try_expunge_locked() {
      Box* b = p.load();
      while (b == nullptr) {
        if (p.compare_exchange_weak(b, expunged())) return true;
      }
      return b == expunged();
    }
  };

  using Map = std::unordered_map<K, Entry*, Hash, KeyEq>;

  struct ReadOnly {
    // shared_ptr only so that the "amended" flip can publish a new ReadOnly around the same map;
    // readers never copy it (they are protected by the epoch guard), so no refcount traffic.
    std::shared_ptr<const Map> m;
    bool amended;
  };

 public:
  SyncMap() : read_(new ReadOnly{std::make_shared<const Map>(), false}) {}
  SyncMap(const SyncMap&) = delete;
  SyncMap& operator=(const SyncMap&) = delete;

  // Entries live in the union of read_.m and dirty_. With dirty_ present, read_.m \ dirty_ is
  // exactly the expunged entries (see dirty_locked()), so each entry is deleted exactly once.
  // Retired snapshots/entries/boxes still in some thread's limbo are self-contained and freed by
  // the epoch domain later.
  ~SyncMap() {
    const ReadOnly* read = read_.load(std::memory_order_relaxed);
    if (dirty_) {
      // Read-map pass first: it inspects entries that the dirty pass deletes.
      for (auto& kv : *read->m) {
        if (kv.second->p.load(std::memory_order_relaxed) == expunged()) delete kv.second;
      }
      for (auto& kv : *dirty_)
        delete kv.second;
    } else {
      for (auto& kv : *read->m)
        delete kv.second;
    }
    delete read;
  }

  std::optional<V> load(const K& key) const {
    syncmap_detail::EpochGuard g;
    const ReadOnly* read = read_.load();
    Entry* e = find(read->m.get(), key);
    if (e == nullptr && read->amended) {
      std::lock_guard lk(mu_);
      // Re-check: dirty may have been promoted while we waited; then this is not a real miss and
      // counting it would trigger a pointless copy later.
      read = read_.load();
      e = find(read->m.get(), key);
      if (e == nullptr && read->amended) {
        e = find(dirty_.get(), key);
        // Count the miss even if the key is absent: this key keeps taking the slow path until
        // the next promotion.
        miss_locked();
      }
    }
    if (e == nullptr) return std::nullopt;
    return e->load();
  }

  void store(const K& key, V value) {
    syncmap_detail::EpochGuard g;
    auto nb = std::make_unique<Box>(Box{std::move(value)});
    const ReadOnly* read = read_.load();
    if (Entry* e = find(read->m.get(), key)) {
      Box* old = nullptr;
      if (e->try_swap(nb.get(), old)) {  // the lock-free overwrite fast path
        nb.release();
        retire_box(old);
        return;
      }
    }

    std::lock_guard lk(mu_);
    read = read_.load();
    if (Entry* e = find(read->m.get(), key)) {
      // Expunged => dirty exists and lacks the key: re-add it before making it visible again.
      if (e->unexpunge_locked()) (*dirty_)[key] = e;
      retire_box(e->p.exchange(nb.release()));
    } else if (Entry* d = find(dirty_.get(), key)) {
      retire_box(d->p.exchange(nb.release()));
    } else {
      add_new_locked(read, key, std::move(nb));
    }
  }

  // Returns {actual value, loaded}: loaded == true means the key existed and nothing was stored.
  std::pair<V, bool> load_or_store(const K& key, V value) {
    syncmap_detail::EpochGuard g;
    const ReadOnly* read = read_.load();
    if (Entry* e = find(read->m.get(), key)) {
      auto r = e->try_load_or_store(value);
      if (r.ok)
        return r.actual ? std::pair<V, bool>{std::move(*r.actual), true}
                        : std::pair<V, bool>{std::move(value), false};
    }

    std::lock_guard lk(mu_);
    read = read_.load();
    typename Entry::LoadOrStore r{std::nullopt, true};
    if (Entry* e = find(read->m.get(), key)) {
      if (e->unexpunge_locked()) (*dirty_)[key] = e;
      r = e->try_load_or_store(value);  // cannot be expunged now: only we could expunge it
    } else if (Entry* d = find(dirty_.get(), key)) {
      r = d->try_load_or_store(value);
      miss_locked();
    } else {
      add_new_locked(read, key, std::make_unique<Box>(Box{value}));
    }
    if (r.actual) return {std::move(*r.actual), true};
    return {std::move(value), false};
  }

  // Go's Delete (LoadAndDelete): keys in the read map are only nil-ed (lock-free) and stay in the
  // maps; only dirty-only keys are physically removed.
  void erase(const K& key) {
    syncmap_detail::EpochGuard g;
    const ReadOnly* read = read_.load();
    Entry* e = find(read->m.get(), key);
    if (e == nullptr && read->amended) {
      std::lock_guard lk(mu_);
      read = read_.load();
      e = find(read->m.get(), key);
      if (e == nullptr && read->amended) {
        if (auto it = dirty_->find(key); it != dirty_->end()) {
          e = it->second;
          dirty_->erase(it);
          // In neither map now, but other threads (and we, below) may still hold it.
          syncmap_detail::retire(e);
        }
        miss_locked();
      }
    }
    if (e != nullptr) e->remove();
  }

  // Go's Range: f(key, value) for each live key, at most once per key; if f returns bool, false
  // stops. Not a consistent snapshot: values may reflect concurrent updates. f may call back into
  // the map (no lock is held while f runs).
  template <class F>
  void range(F f) {
    syncmap_detail::EpochGuard g;
    const ReadOnly* read = read_.load();
    if (read->amended) {
      // Range is O(n) anyway, so it pays for promoting dirty right away; then iterating the
      // immutable read map alone covers every key that existed when range started.
      std::lock_guard lk(mu_);
      read = read_.load();
      if (read->amended) {
        promote_locked();
        read = read_.load();
      }
    }
    for (const auto& [k, e] : *read->m) {
      std::optional<V> v = e->load();
      if (!v) continue;
      if constexpr (std::is_convertible_v<std::invoke_result_t<F&, const K&, const V&>, bool>) {
        if (!f(k, *v)) break;
      } else {
        f(k, *v);
      }
    }
  }

  // --- Observers for tests and benchmark diagnostics (take the lock; not for hot paths). ---
  std::size_t misses() const {
    std::lock_guard lk(mu_);
    return misses_;
  }
  // 0 both when dirty is absent (Go's nil) and when empty.
  std::size_t dirty_size() const {
    std::lock_guard lk(mu_);
    return dirty_ ? dirty_->size() : 0;
  }
  bool has_dirty() const {
    std::lock_guard lk(mu_);
    return dirty_ != nullptr;
  }
  // Entries in the read snapshot, including deleted (nil/expunged) ones.
  std::size_t read_size() const {
    syncmap_detail::EpochGuard g;
    return read_.load()->m->size();
  }
  bool amended() const {
    syncmap_detail::EpochGuard g;
    return read_.load()->amended;
  }

 private:
  static Box* expunged() {
    // Any unique address works: it is compared, never dereferenced.
    alignas(Box) static unsigned char tag;
    return reinterpret_cast<Box*>(&tag);
  }
  static bool is_value(const Box* b) { return b != nullptr && b != expunged(); }

  static void retire_box(Box* b) {
    if (is_value(b)) syncmap_detail::retire(b);
  }

  static Entry* find(const Map* m, const K& key) {
    if (m == nullptr) return nullptr;
    auto it = m->find(key);
    return it == m->end() ? nullptr : it->second;
  }

  void add_new_locked(const ReadOnly* read, const K& key, std::unique_ptr<Box> box) {
    if (!read->amended) {
      // First new key since the last promotion: build dirty (O(n) copy) and tell readers that
      // the read map is incomplete, so their misses fall through to the lock.
      dirty_locked();
      publish_locked(new ReadOnly{read->m, true});
    }
    auto e = std::make_unique<Entry>(box.get());
    box.release();
    dirty_->emplace(key, e.get());
    e.release();
  }

  // Copy the read map into a fresh dirty map, turning deleted (nil) entries into expunged ones
  // instead of copying them: that is how deleted keys finally disappear at the next promotion.
  void dirty_locked() {
    if (dirty_) return;
    const ReadOnly* read = read_.load();
    auto d = std::make_unique<Map>();
    d->reserve(read->m->size());
    for (const auto& [k, e] : *read->m) {
      if (!e->try_expunge_locked()) d->emplace(k, e);
    }
    dirty_ = std::move(d);
  }

  void miss_locked() const {
    if (++misses_ < dirty_->size()) return;
    promote_locked();
  }

  // dirty_ becomes the read map. Entries of the old read map that are expunged are in no map any
  // more (the GC would collect them in Go): retire them here.
  void promote_locked() const {
    const ReadOnly* old = read_.load(std::memory_order_relaxed);
    for (const auto& kv : *old->m) {
      if (kv.second->p.load() == expunged()) syncmap_detail::retire(kv.second);
    }
    publish_locked(new ReadOnly{std::shared_ptr<const Map>(std::move(dirty_)), false});
    misses_ = 0;
  }

  void publish_locked(const ReadOnly* next) const {
    const ReadOnly* old = read_.load(std::memory_order_relaxed);
    read_.store(next);  // seq_cst: must precede the epoch read in retire() (EBR ordering)
    syncmap_detail::retire(old);
  }

  // load() is logically const but, as in Go, may count misses and promote.
  mutable std::mutex mu_;
  mutable std::atomic<const ReadOnly*> read_;
  mutable std::unique_ptr<Map> dirty_;  // guarded by mu_; nullptr = Go's nil dirty map
  mutable std::size_t misses_ = 0;      // guarded by mu_
};

}  // namespace claimbench::go
