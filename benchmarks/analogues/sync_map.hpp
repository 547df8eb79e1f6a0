/// Go sync.Map (Go 1.19/1.20 read/dirty design) for read-mostly concurrent-map benchmarks.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analogues/epoch.hpp"
#include "analogues/go_any.hpp"
#include "analogues/go_bucket_map.hpp"
#include "analogues/go_hash.hpp"
#include "analogues/go_malloc.hpp"
#include "analogues/go_map.hpp"
#include "analogues/go_mutex.hpp"

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
  std::size_t size;     // t.size, which typehash switches on for regular memory
  bool regular_memory;  // t.tflag & tflagRegularMemory
  bool direct_iface;    // isDirectIface(t): the interface's data word is the value itself
};

// typehash for a uint64's type (regular memory, size 8): a call to memhash64 (go_hash.hpp: the
// AES rounds Go's runtime uses), reached from the map through the type's pointer.
[[gnu::noinline]] inline std::uint64_t typehash_u64(const void* key, std::uint64_t seed) {
  return memhash64_impl()(key, seed);
}

[[gnu::noinline]] inline bool memequal64(const void* a, const void* b) {
  std::uint64_t x;
  std::uint64_t y;
  __builtin_memcpy(&x, a, sizeof x);
  __builtin_memcpy(&y, b, sizeof y);
  return x == y;
}

inline const AnyKeyType* any_key_type_u64() {
  static const AnyKeyType type{&typehash_u64, &memequal64, 8, true, false};
  const AnyKeyType* t = &type;
  asm volatile("" : "+r"(t));  // the dynamic type is only known at run time, as in Go
  return t;
}

template <class K>
struct AnyKeyHash {
  static_assert(sizeof(K) == 8, "AnyKeyHash models 8-byte keys (memhash64)");
  const AnyKeyType* type = any_key_type_u64();
  std::uint64_t seed = kMapSeed;  // h.hash0
  std::size_t operator()(const K& key) const noexcept {
    return static_cast<std::size_t>(type->hash(&key, seed));
  }
};

template <class K>
struct AnyKeyEq {
  const AnyKeyType* type = any_key_type_u64();
  bool operator()(const K& a, const K& b) const noexcept { return type->equal(&a, &b); }
};

// The read and dirty maps, map[any]*entry in Go: a runtime hash map whose keys sit inline in its
// bucket array, reached by masking the hash (Go 1.19: 8-slot buckets and tophash bytes). For keys
// that can sit inline (trivially copyable: the benchmark's uint64) that is GoBucketMap on its
// generic path, as Go 1.19 runs map[any]: one hash call through the key type, then per slot a
// tophash byte test before the key type's equal; no per-key node and no modulo.
// std::unordered_map, used before, divides by a prime bucket count (a `div` per lookup) and
// chases a node before the entry pointer: ~40% of a Load's samples at 1 thread, which Go's map
// does not pay. Other key types (the tests' std::string) keep std::unordered_map.
template <class K, class E, class Hash, class KeyEq, bool Flat = std::is_trivially_copyable_v<K>>
class EntryMap {
 public:
  explicit EntryMap(std::size_t hint = 0) : m_(hint) {}
  E* find(const K& key) const {
    E* const* e = m_.find(key);
    return e == nullptr ? nullptr : *e;
  }
  void insert(const K& key, E* e) { m_.insert_or_assign(key, e); }
  // Removes key; returns its entry, or nullptr when absent.
  E* take(const K& key) {
    E* e = find(key);
    if (e != nullptr) m_.erase(key);
    return e;
  }
  std::size_t size() const { return m_.size(); }
  template <class F>
  void for_each(F&& f) const {
    m_.for_each([&](const K& k, E* e) { f(k, e); });
  }

 private:
  GoBucketMap<K, E*, Hash, KeyEq> m_;  // Go 1.19's map, generic (map[any]) path
};

template <class K, class E, class Hash, class KeyEq>
class EntryMap<K, E, Hash, KeyEq, false> {
 public:
  explicit EntryMap(std::size_t hint = 0) { m_.reserve(hint); }
  E* find(const K& key) const {
    auto it = m_.find(key);
    return it == m_.end() ? nullptr : it->second;
  }
  void insert(const K& key, E* e) { m_.insert_or_assign(key, e); }
  E* take(const K& key) {
    auto it = m_.find(key);
    if (it == m_.end()) return nullptr;
    E* e = it->second;
    m_.erase(it);
    return e;
  }
  std::size_t size() const { return m_.size(); }
  template <class F>
  void for_each(F&& f) const {
    for (const auto& [k, e] : m_)
      f(k, e);
  }

 private:
  std::unordered_map<K, E*, Hash, KeyEq> m_;
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
// map[any]*entry as Go 1.19 lays it out for a boxed 8-byte key: each slot holds the key's
// interface, {type, data}, where data points to the key's 8 bytes on the heap (the box that
// Store's conversion to `any` allocated; small values point into staticuint64s). A 16-byte key
// makes a bucket 208 bytes (144 with the key inline), and every compare follows the data
// pointers: nilinterequal -> efaceeq compares the type words, then calls the type's equal on
// the two data words (memequal64 loads both). The hash is nilinterhash -> typehash ->
// memhash64 on the data word. The key boxes belong to the entries (E::key()), which outlive
// every map that holds them, as the GC keeps a box alive while a map points to it.
// An interface value as a map[any] slot holds it: {type, data}.
struct Eface {
  const AnyKeyType* type;
  const void* data;
};

// The functions Go 1.19's map[any] reaches a key through (runtime/alg.go), each a call of its
// own as in the runtime, where none is inlined (go tool objdump of the twin binary: mapaccess2
// calls t.hasher = nilinterhash, which calls typehash, which calls memhash64; t.key.equal =
// nilinterequal calls efaceeq, which calls the type's equal, memequal64, through its pointer).
// Go makes no tail calls, so neither do these (an empty asm on the result keeps GCC from turning
// a call into a jump). The panics Go raises for unhashable or uncomparable dynamic types are
// aborts here: the model's keys are all uint64.
[[gnu::noinline]] inline std::uint64_t typehash(const AnyKeyType* t, const void* p,
                                                std::uint64_t h) {
  std::uint64_t hash = t->regular_memory && t->size == 8 ? memhash64_impl()(p, h) : t->hash(p, h);
  asm volatile("" : "+r"(hash));  // a call and a return, as Go makes it: no tail jump
  return hash;
}

[[gnu::noinline]] inline std::uint64_t nilinterhash(const void* p, std::uint64_t h) {
  constexpr std::uint64_t c0 = 33054211828000289ULL;  // alg.go's c0 and c1 for 64-bit words
  constexpr std::uint64_t c1 = 23344194077549503ULL;
  const auto* a = static_cast<const Eface*>(p);
  const AnyKeyType* t = a->type;
  if (t == nullptr) return h;
  if (t->equal == nullptr) std::abort();  // Go: panic("hash of unhashable type")
  if (t->direct_iface) return c1 * typehash(t, &a->data, h ^ c0);
  return c1 * typehash(t, a->data, h ^ c0);
}

[[gnu::noinline]] inline bool efaceeq(const AnyKeyType* t, const void* x, const void* y) {
  if (t == nullptr) return true;
  bool (*eq)(const void*, const void*) = t->equal;
  if (eq == nullptr) std::abort();  // Go: panic("comparing uncomparable type")
  if (t->direct_iface) return x == y;
  bool equal = eq(x, y);
  asm volatile("" : "+r"(equal));  // no tail jump: Go calls and returns
  return equal;
}

[[gnu::noinline]] inline bool nilinterequal(const void* p, const void* q) {
  const Eface x = *static_cast<const Eface*>(p);
  const Eface y = *static_cast<const Eface*>(q);
  bool equal = x.type == y.type && efaceeq(x.type, x.data, y.data);
  asm volatile("" : "+r"(equal));  // no tail jump: Go calls and returns
  return equal;
}

/// A function pointer the compiler cannot see through: the map type's hasher and key equal are
/// fields of a runtime type in Go, read on every access.
template <class Fn>
Fn opaque(Fn fn) {
  asm volatile("" : "+r"(fn));
  return fn;
}

template <class K, class E>
class EntryMap<K, E, AnyKeyHash<K>, AnyKeyEq<K>, true> {
  struct Hash {
    std::uint64_t seed = kMapSeed;                                                // h.hash0
    std::uint64_t (*hasher)(const void*, std::uint64_t) = opaque(&nilinterhash);  // t.hasher
    std::uint64_t operator()(const Eface& k) const noexcept { return hasher(&k, seed); }
  };
  struct Eq {
    bool (*equal)(const void*, const void*) = opaque(&nilinterequal);  // t.key.equal
    bool operator()(const Eface& a, const Eface& b) const noexcept { return equal(&a, &b); }
  };

 public:
  explicit EntryMap(std::size_t hint = 0) : m_(hint) {}
  // The probe's data word points to the caller's key (Load's key does not escape in Go: its
  // interface is built on the stack).
  E* find(const K& key) const {
    E* const* e = m_.find(Eface{type_, &key});
    return e == nullptr ? nullptr : *e;
  }
  // The slot's data word points to the entry's key box.
  void insert(const K& /*key*/, E* e) { m_.insert_or_assign(Eface{type_, e->key()}, e); }
  E* take(const K& key) {
    E* e = find(key);
    if (e != nullptr) m_.erase(Eface{type_, &key});
    return e;
  }
  std::size_t size() const { return m_.size(); }
  template <class F>
  void for_each(F&& f) const {
    m_.for_each([&](const Eface& k, E* e) { f(*static_cast<const K*>(k.data), e); });
  }

 private:
  const AnyKeyType* type_ = any_key_type_u64();
  GoBucketMap<Eface, E*, Hash, Eq> m_;
};

// The value slot is an atomic pointer to an immutable box with two sentinels, as in Go:
// nullptr = deleted but still present in dirty (or dirty absent); expunged = deleted and *not* in
// dirty, so a store must first re-add the entry to dirty under the lock (otherwise the next
// promotion would drop the key). Every store allocates a box, as Go's `&value` escapes to the heap.
template <class K, class V, class Hash = std::hash<K>, class KeyEq = std::equal_to<K>>
class SyncMap {
  static_assert(std::is_copy_constructible_v<V>, "SyncMap values are copied out on load");

  // The value as Go holds it after Store(key, value any): `&value` escapes, so the interface
  // header {type, data} is a heap object of its own (new(any)), and converting a uint64 to an
  // interface allocates the 8 bytes the data word points to (runtime.convT64), except values
  // below 256, which point into the runtime's staticuint64s table. Two allocations per Store, as
  // Go's twin reports (1 alloc/op on the half-store disjoint workload), and a Load follows entry
  // -> header -> data, then v.(uint64) compares the type word. The header is new(any), from
  // Go's allocator (GoHeapObject), freed by the epoch reclaimer once no reader holds it.
  struct Box : GoHeapObject {
    const void* type;
    const V* data;

    explicit Box(V v) : type(type_word()), data(box_of(std::move(v))) {}
    Box(const Box&) = delete;
    Box& operator=(const Box&) = delete;
    ~Box() {
      if (!in_static_table(data)) go_delete(data);
    }
    // v.(V): the type word is compared before the data word is followed.
    const V& value() const {
      if (type != type_word()) [[unlikely]]
        std::terminate();  // Go panics: interface conversion
      return *data;
    }
  };

  static_assert(sizeof(Box) == 2 * sizeof(void*), "GoHeapObject adds no bytes: new(any) is 16");

  // newEntry's new(entry), from Go's allocator (Go's entry is the 8-byte p alone; this one also
  // keeps the key's data word, 16 bytes).
  struct Entry : GoHeapObject {
    std::atomic<Box*> p;
    // The key's interface data (Store's convT64 box, or a staticuint64s slot), which the maps'
    // key slots point to when they hold boxed keys (EntryMap's interface layout).
    const K* key_data;

    Entry(Box* b, const K* key) : p(b), key_data(key) {}
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    ~Entry() {
      Box* b = p.load(std::memory_order_relaxed);
      if (is_value(b)) delete b;
      if (!in_static_table(key_data)) go_delete(key_data);
    }
    const K* key() const { return key_data; }

    std::optional<V> load() const {
      Box* b = p.load();
      if (!is_value(b)) return std::nullopt;
      return b->value();
    }
    bool load_into(V& out) const {
      Box* b = p.load();
      if (!is_value(b)) return false;
      out = b->value();
      return true;
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
      if (b != nullptr) return {b->value(), true};
      // Allocate only once we know we will try to store (Go copies the interface here too).
      auto nb = std::make_unique<Box>(v);
      for (;;) {
        Box* expected = nullptr;
        if (p.compare_exchange_strong(expected, nb.get())) {
          nb.release();
          return {std::nullopt, true};
        }
        if (expected == expunged()) return {std::nullopt, false};
        if (expected != nullptr) return {expected->value(), true};
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

  using Map = EntryMap<K, Entry, Hash, KeyEq>;

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
      read->m->for_each([](const K&, Entry* e) {
        if (e->p.load(std::memory_order_relaxed) == expunged()) delete e;
      });
      dirty_->for_each([](const K&, Entry* e) { delete e; });
    } else {
      read->m->for_each([](const K&, Entry* e) { delete e; });
    }
    delete read;
  }

  std::optional<V> load(const K& key) const {
    V v{};
    if (!load(key, v)) return std::nullopt;
    return v;
  }

  // Go's `value, ok := m.Load(key)`, the value through an out-parameter: a std::optional<V>
  // returned from a call that is not inlined is built on the stack (a byte store of the flag,
  // then an 8-byte reload), a store-forwarding stall that was ~20% of the read-mostly samples;
  // Go returns (value, ok) in registers.
  bool load(const K& key, V& out) const {
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
    return e != nullptr && e->load_into(out);
  }

  void store(const K& key, V value) {
    KeyInterface key_iface(key);
    epoch::EpochGuard g;
    auto nb = std::make_unique<Box>(std::move(value));
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
      if (e->unexpunge_locked()) dirty_->insert(key, e);
      retire_box(e->p.exchange(nb.release()));
    } else if (Entry* d = find(dirty_.get(), key)) {
      retire_box(d->p.exchange(nb.release()));
    } else {
      add_new_locked(read, key_iface, std::move(nb));
    }
  }

  // Returns {actual value, loaded}: loaded == true means the key existed and nothing was stored.
  std::pair<V, bool> load_or_store(const K& key, V value) {
    KeyInterface key_iface(key);
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
      if (e->unexpunge_locked()) dirty_->insert(key, e);
      r = e->try_load_or_store(value);  // cannot be expunged now: only we could expunge it
    } else if (Entry* d = find(dirty_.get(), key)) {
      r = d->try_load_or_store(value);
      miss_locked();
    } else {
      add_new_locked(read, key_iface, std::make_unique<Box>(value));
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
        e = dirty_->take(key);
        // In neither map now, but other threads (and we, below) may still hold it.
        if (e != nullptr) epoch::retire(e);
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
    bool go_on = true;  // GoMap's walk has no break: after a false, the rest is skipped
    read->m->for_each([&](const K& k, Entry* e) {
      if (!go_on) return;
      std::optional<V> v = e->load();
      if (!v) return;
      if constexpr (std::is_convertible_v<std::invoke_result_t<F&, const K&, const V&>, bool>) {
        go_on = f(k, *v);
      } else {
        f(k, *v);
      }
    });
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

  // Store(key, value any) and LoadOrStore box the key as well: the key parameter escapes (it may
  // become a dirty-map key), so the caller's conversion to `any` allocates its data (convT64;
  // uint64 values below 256 point into staticuint64s) on every call, even for a key already in
  // the map (Go 1.19 measured: 3 allocations per Store of a big value to an existing big key, 2
  // for a small value; 0 per Load, whose key does not escape). A new key's box becomes the
  // maps' key data (the entry keeps it); otherwise the GC frees it later, and here it dies when
  // the call returns.
  class KeyInterface {
   public:
    explicit KeyInterface(const K& key) : data_(box_of(key)) {
      asm volatile("" : : "r"(data_) : "memory");  // escapes: new/delete cannot be elided
    }
    KeyInterface(const KeyInterface&) = delete;
    KeyInterface& operator=(const KeyInterface&) = delete;
    ~KeyInterface() {
      if (data_ != nullptr && !in_static_table(data_)) go_delete(data_);
    }
    // Hands the key's data word to a new entry, which frees it when it dies.
    const K* release() { return std::exchange(data_, nullptr); }

   private:
    const K* data_;
  };

  // The dynamic type of the stored values (Go: *_type for V); its address is the identity.
  static const void* type_word() {
    static const char tag = 0;
    return &tag;
  }
  // Converting a value to `any` (convT64's rule): a uint64 below 256 points into the runtime's
  // staticuint64s (kStaticUint64s, go_any.hpp), never allocated; anything else is a heap box
  // from Go's allocator (a uint64's 8 bytes come from the tiny allocator, as convT64's do).
  template <class T>
  static const T* box_of(T v) {
    if constexpr (std::is_same_v<T, std::uint64_t>) {
      if (v < kStaticUint64s.size()) return &kStaticUint64s[v];
    }
    return go_new(std::move(v));
  }
  // Objects that fit the ported size classes come from GoHeap; pointer-free only for
  // arithmetic types (the model cannot see a type's pointers), anything larger from new.
  template <class T>
  static constexpr bool kFromGoHeap = sizeof(T) <= GoHeap::kMaxSmallSize &&
                                      alignof(T) <= 8 && std::is_nothrow_move_constructible_v<T>;
  template <class T>
  static const T* go_new(T v) {
    if constexpr (kFromGoHeap<T>) {
      return ::new (GoHeap::newobject(sizeof(T), std::is_arithmetic_v<T>)) T(std::move(v));
    } else {
      return new T(std::move(v));
    }
  }
  template <class T>
  static void go_delete(const T* p) noexcept {
    if constexpr (kFromGoHeap<T>) {
      p->~T();
      GoHeap::free(const_cast<T*>(p));
    } else {
      delete p;
    }
  }
  template <class T>
  static bool in_static_table(const T* p) {
    if constexpr (std::is_same_v<T, std::uint64_t>) {
      return !std::less<const T*>{}(p, kStaticUint64s.data()) &&
             std::less<const T*>{}(p, kStaticUint64s.data() + kStaticUint64s.size());
    }
    return false;
  }

  static void retire_box(Box* b) {
    if (is_value(b)) epoch::retire(b);
  }

  static Entry* find(const Map* m, const K& key) { return m == nullptr ? nullptr : m->find(key); }

  void add_new_locked(const ReadOnly* read, KeyInterface& key_iface, std::unique_ptr<Box> box) {
    if (!read->amended) {
      // First new key since the last promotion: build dirty (O(n) copy) and tell readers that
      // the read map is incomplete, so their misses fall through to the lock.
      dirty_locked();
      publish_locked(new ReadOnly{read->m, true});
    }
    const K* key_data = key_iface.release();
    auto e = std::make_unique<Entry>(box.get(), key_data);
    box.release();
    dirty_->insert(*key_data, e.get());
    e.release();
  }

  // Copy the read map into a fresh dirty map, turning deleted (nil) entries into expunged ones
  // instead of copying them: that is how deleted keys finally disappear at the next promotion.
  void dirty_locked() {
    if (dirty_) return;
    const ReadOnly* read = read_.load();
    auto d = std::make_unique<Map>(read->m->size());
    read->m->for_each([&](const K& k, Entry* e) {
      if (!e->try_expunge_locked()) d->insert(k, e);
    });
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
    old->m->for_each([](const K&, Entry* e) {
      if (e->p.load() == expunged()) epoch::retire(e);
    });
    publish_locked(new ReadOnly{std::shared_ptr<const Map>(std::move(dirty_)), false});
    misses_ = 0;
  }

  void publish_locked(const ReadOnly* next) const {
    const ReadOnly* old = read_.load(std::memory_order_relaxed);
    read_.store(next);  // seq_cst: must precede the epoch read in retire() (EBR ordering)
    epoch::retire(old);
  }

  // load() is logically const but, as in Go, may count misses and promote.
  mutable GoMutex mu_;  // Go's sync.Map.mu, a sync.Mutex
  mutable std::atomic<const ReadOnly*> read_;
  mutable std::unique_ptr<Map> dirty_;  // guarded by mu_; nullptr = Go's nil dirty map
  mutable std::size_t misses_ = 0;      // guarded by mu_
};

}  // namespace claimbench::go
