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

#include "analogues/epoch.hpp"

namespace claimbench::go {

// sync.Map's maps are map[any]*entry: an interface-keyed map. The runtime hashes such a key
// through its dynamic type's hash function (typehash -> an indirect call to memhash64 for a
// uint64, seeded per map) and compares keys with efaceeq (type words, then an indirect call to
// the type's equal function), where a map[uint64]V inlines the hash and the compare
// (mapaccess2_fast64). AnyKeyHash / AnyKeyEq make a C++ map pay the same: the type descriptor
// is reached through a pointer the compiler cannot see through, so both are real indirect calls.
struct AnyKeyType {
  std::uint64_t (*hash)(const void* key, std::uint64_t seed);
  bool (*equal)(const void* a, const void* b);
};

[[gnu::noinline]] inline std::uint64_t memhash64(const void* key, std::uint64_t seed) {
  std::uint64_t x;
  __builtin_memcpy(&x, key, sizeof x);
  x ^= seed;  // murmur3's finaliser: a mixer in the cost class of Go's aeshash/memhash64
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

[[gnu::noinline]] inline bool memequal64(const void* a, const void* b) {
  std::uint64_t x;
  std::uint64_t y;
  __builtin_memcpy(&x, a, sizeof x);
  __builtin_memcpy(&y, b, sizeof y);
  return x == y;
}

inline const AnyKeyType* any_key_type_u64() {
  static const AnyKeyType type{&memhash64, &memequal64};
  const AnyKeyType* t = &type;
  asm volatile("" : "+r"(t));  // the dynamic type is only known at run time, as in Go
  return t;
}

template <class K>
struct AnyKeyHash {
  static_assert(sizeof(K) == 8, "AnyKeyHash models 8-byte keys (memhash64)");
  const AnyKeyType* type = any_key_type_u64();
  std::uint64_t seed = 0x9e3779b97f4a7c15ull;  // h.hash0: per map in Go
  std::size_t operator()(const K& key) const noexcept {
    return static_cast<std::size_t>(type->hash(&key, seed));
  }
};

template <class K>
struct AnyKeyEq {
  const AnyKeyType* type = any_key_type_u64();
  bool operator()(const K& a, const K& b) const noexcept { return type->equal(&a, &b); }
};

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
          epoch::retire(b);
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
    epoch::EpochGuard g;
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
    epoch::EpochGuard g;
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
    epoch::EpochGuard g;
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
    epoch::EpochGuard g;
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
          epoch::retire(e);
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
    epoch::EpochGuard g;
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
    epoch::EpochGuard g;
    return read_.load()->m->size();
  }
  bool amended() const {
    epoch::EpochGuard g;
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
    if (is_value(b)) epoch::retire(b);
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
      if (kv.second->p.load() == expunged()) epoch::retire(kv.second);
    }
    publish_locked(new ReadOnly{std::shared_ptr<const Map>(std::move(dirty_)), false});
    misses_ = 0;
  }

  void publish_locked(const ReadOnly* next) const {
    const ReadOnly* old = read_.load(std::memory_order_relaxed);
    read_.store(next);  // seq_cst: must precede the epoch read in retire() (EBR ordering)
    epoch::retire(old);
  }

  // load() is logically const but, as in Go, may count misses and promote.
  mutable std::mutex mu_;
  mutable std::atomic<const ReadOnly*> read_;
  mutable std::unique_ptr<Map> dirty_;  // guarded by mu_; nullptr = Go's nil dirty map
  mutable std::size_t misses_ = 0;      // guarded by mu_
};

}  // namespace claimbench::go
