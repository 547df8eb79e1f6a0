/// A model of Go's built-in map from Go 1.0 to Go 1.23 (runtime/map.go, map_fast64.go at go1.19).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "analogues/go_hash.hpp"
#include "analogues/go_span_alloc.hpp"
#include "codegen.hpp"  // CB_GO_LOOP  // GoHash64: memhash64 through the map type, as Go calls it

namespace claimbench::go {

// Mechanism, function by function as in go1.19's runtime (names in brackets):
//  - The table is 2^B buckets [bmap] of 8 slots: 8 tophash bytes, then 8 keys, then 8 values,
//    then an overflow pointer (144 bytes for uint64 keys and values, as in Go). The low B bits of
//    the hash pick the bucket; its top byte, raised to at least 5, is the slot's tophash.
//    Tophash 0 is emptyRest (this slot and every later one in the chain is empty), 1 emptyOne,
//    2/3 evacuatedX/Y and 4 evacuatedEmpty (the slot's bucket has been moved by a grow).
//  - A map value is a pointer to its header [hmap]: count, flags, B and the bucket pointers, a
//    48-byte object from mallocgc's 48-byte size class (GoSpanAlloc), so headers of maps made
//    one after another share cache lines, as Go's do.
//  - make(map, hint) [makemap] picks the smallest B whose 6.5 entries per bucket hold `hint`;
//    no hint means B = 0 with the bucket allocated by the first insert. For B >= 4 the array has
//    2^(B-4) spare buckets after the 2^B [makeBucketArray] that chains take from before they
//    allocate one bucket at a time [newoverflow].
//  - An insert [mapassign_fast64] walks the bucket's chain: the first empty slot is where a new
//    key goes, emptyRest ends the walk, a full slot compares keys. When the table is at load
//    6.5 (count > 6.5 × 2^B) it doubles; when it has about as many overflow buckets as buckets
//    [tooManyOverflowBuckets] it grows to the same size, to compact the chains [hashGrow]. A grow
//    allocates the new array and nothing else: every later insert or delete first evacuates the
//    old bucket its key hashes to and one more in order [growWork, evacuate, advanceEvacuation-
//    Mark], rehashing each entry to pick its half (X or Y) of the doubled table. The old array
//    and its overflow buckets are dropped when the last one is evacuated (Go leaves them to the
//    GC; here they are freed then).
//  - A delete [mapdelete_fast64] marks the slot emptyOne, and turns a run of empties at the end
//    of the chain into emptyRest. Nothing ever makes the table smaller: a deleted map keeps its
//    2^B buckets and its overflow chains.
//  - Iteration [mapiterinit, mapiternext] starts at a random bucket and a random slot offset,
//    and walks every bucket and every overflow bucket of its chain, testing each slot's tophash;
//    Go's range calls mapiternext once per element, so `Iter::next` is a call too (noinline).
//    During a grow, a bucket whose old bucket is not yet evacuated is read from the old array,
//    keeping only the entries that will move to it.
//
// The hash is Go's memhash64 (AES rounds where the CPU has them) called through a function
// pointer (GoHash64, go_hash.hpp), and each access checks h.flags for a concurrent write as Go
// does; erase, like find and assign, is a call.
//
// Simplifications, said where a reader of Go's source would look: the seed is fixed (Go: random
// per map, reseeded when the map empties); spare buckets of arrays under 32 KiB are 2^(B-4) exactly
// (Go rounds the array up to its malloc size class; from 32 KiB on to 8 KiB pages, as here). An
// iterator must not outlive a write to its map (Go's iterator survives writes and grows). Keys and
// values must be trivially copyable.
//
// KeyEq other than std::equal_to<K> models a map whose key type has no fast path (map[any] in
// sync.Map's read and dirty maps): Go's generic mapaccess2/mapassign/mapdelete hash every lookup
// and compare a slot's tophash byte before calling the key type's equal function, where the
// _fast64 variants compare the 8-byte keys directly.
template <class K, class V, class Hash = GoHash64, class KeyEq = std::equal_to<K>>
class GoBucketMap {
  static_assert(std::is_trivially_copyable_v<K> && std::is_trivially_copyable_v<V>);
  static constexpr bool kFast64 = std::is_same_v<KeyEq, std::equal_to<K>>;

 public:
  static constexpr std::size_t kBucketSlots = 8;

 private:
  struct Bucket {
    std::uint8_t tophash[kBucketSlots];
    K keys[kBucketSlots];
    V values[kBucketSlots];
    Bucket* overflow;
  };

 public:
  /// A bucket's size: Go's t.bucketsize (144 for 8-byte keys and values).
  static constexpr std::size_t kBucketBytes = sizeof(Bucket);

  /// make(map[K]V, hint).
  explicit GoBucketMap(std::size_t hint = 0) {
    std::uint8_t b = 0;
    while (over_load_factor(hint, b))
      ++b;
    h_->b = b;
    if (h_->b != 0) h_->buckets = make_bucket_array(h_->b);
  }

  GoBucketMap(const GoBucketMap&) = delete;
  GoBucketMap& operator=(const GoBucketMap&) = delete;
  GoBucketMap(GoBucketMap&&) noexcept = default;
  GoBucketMap& operator=(GoBucketMap&&) noexcept = default;

  /// m[key] = value. Returns true when the key was new.
  bool insert_or_assign(const K& key, const V& value) {
    const std::size_t before = h_->count;
    *assign(key) = value;
    return h_->count != before;
  }

  /// mapassign_fast64: the value slot for key, the key inserted if absent. A runtime call in Go
  /// (never inlined into the caller), so a call here too.
  [[gnu::noinline]] V* assign(const K& key) {
    check_not_writing();
    const std::uint64_t hash = hash_(key);
    h_->flags ^= kHashWriting;                             // set after the hash, as Go does
    if (!h_->buckets) h_->buckets = make_bucket_array(0);  // newobject(t.bucket)
    for (;;) {
      const std::size_t bucket = hash & bucket_mask(h_->b);
      if (growing()) grow_work(bucket);
      Bucket* b = &h_->buckets[bucket];
      Bucket* insert_b = nullptr;
      std::size_t insert_i = 0;
      for (;;) {
        bool rest_empty = false;
        CB_GO_LOOP
        for (std::size_t i = 0; i < kBucketSlots; ++i) {
          if (is_empty(b->tophash[i])) {
            if (insert_b == nullptr) {
              insert_b = b;
              insert_i = i;
            }
            if (b->tophash[i] == kEmptyRest) {
              rest_empty = true;
              break;
            }
            continue;
          }
          if (same_key(*b, i, key, hash)) return done_writing(&b->values[i]);
        }
        if (rest_empty || b->overflow == nullptr) break;
        b = b->overflow;
      }
      // Absent. Start a grow at the load limit or with too many overflow buckets, unless one is
      // under way, and start over: the key's bucket is now in the new array.
      if (!growing() && (over_load_factor(h_->count + 1, h_->b) ||
                         too_many_overflow_buckets(h_->noverflow, h_->b))) {
        hash_grow();
        continue;
      }
      if (insert_b == nullptr) {  // the chain is full: link a new bucket to its end
        insert_b = new_overflow(b);
        insert_i = 0;
      }
      insert_b->tophash[insert_i] = tophash(hash);
      insert_b->keys[insert_i] = key;
      ++h_->count;
      return done_writing(&insert_b->values[insert_i]);
    }
  }

  /// v, ok := m[key] (mapaccess2_fast64): a pointer to the value, or nullptr.
  V* find(const K& key) { return const_cast<V*>(std::as_const(*this).find(key)); }
  /// A runtime call in Go (mapaccess2_fast64 / mapaccess2), never inlined: a call here too.
  [[gnu::noinline]] const V* find(const K& key) const {
    if (h_->count == 0) return nullptr;
    check_not_writing();
    const Bucket* b = &h_->buckets[0];
    std::uint64_t hash = 0;
    if (!kFast64 || h_->b != 0 || growing()) hash = hash_(key);  // fast64 skips it for one bucket
    if (h_->b != 0 || growing()) {
      std::size_t m = bucket_mask(h_->b);
      b = &h_->buckets[hash & m];
      if (growing()) {
        if (!h_->same_size_grow) m >>= 1;  // the old array is half the size
        const Bucket* old = &h_->old_buckets[hash & m];
        if (!evacuated(*old)) b = old;
      }
    }
    for (; b != nullptr; b = b->overflow) {
      CB_GO_LOOP
      for (std::size_t i = 0; i < kBucketSlots; ++i) {
        if (same_key(*b, i, key, hash) && !is_empty(b->tophash[i])) return &b->values[i];
      }
    }
    return nullptr;
  }

  /// delete(m, key) (mapdelete_fast64). Returns true when the key was present. A runtime call
  /// in Go, so a call here too.
  [[gnu::noinline]] bool erase(const K& key) {
    if (h_->count == 0) return false;
    check_not_writing();
    const std::uint64_t hash = hash_(key);
    h_->flags ^= kHashWriting;
    const std::size_t bucket = hash & bucket_mask(h_->b);
    if (growing()) grow_work(bucket);
    Bucket* const first = &h_->buckets[bucket];
    for (Bucket* b = first; b != nullptr; b = b->overflow) {
      CB_GO_LOOP
      for (std::size_t i = 0; i < kBucketSlots; ++i) {
        if (!same_key(*b, i, key, hash) || is_empty(b->tophash[i])) continue;
        memclr_no_heap_pointers(&b->values[i], sizeof(V));
        b->tophash[i] = kEmptyOne;
        mark_empty_rest(first, b, i);
        --h_->count;
        return done_writing(true);
      }
    }
    return done_writing(false);
  }

  /// A range loop's state (hiter): next() is mapiternext, one call per element.
  class Iter {
   public:
    /// Advances to the next live entry; false at the end. Out of line, as Go's runtime call,
    /// and like it working on local copies of the state, stored back once per element.
    [[gnu::noinline]] bool next() {
      if (map_ == nullptr) return false;
      const GoBucketMap& h = *map_;
      std::size_t bucket = bucket_;
      const Bucket* b = bptr_;
      std::size_t i = i_;
      std::size_t check_bucket = check_bucket_;
      for (;;) {
        if (b == nullptr) {
          if (bucket == start_bucket_ && wrapped_) {
            map_ = nullptr;
            return false;
          }
          check_bucket = kNoCheck;
          b = &h.h_->buckets[bucket];
          if (h.growing()) {
            const Bucket* old = &h.h_->old_buckets[bucket & h.old_bucket_mask()];
            if (!evacuated(*old)) {  // not moved yet: read it from the old array
              b = old;
              check_bucket = bucket;
            }
          }
          if (++bucket == (std::size_t{1} << h.h_->b)) {
            bucket = 0;
            wrapped_ = true;
          }
          i = 0;
        }
        for (; i < kBucketSlots; ++i) {
          const std::size_t slot = (i + offset_) & (kBucketSlots - 1);
          const std::uint8_t top = b->tophash[slot];
          if (is_empty(top) || top == kEvacuatedEmpty) continue;
          // An old bucket of a doubling table holds the entries of two new buckets: keep the
          // ones that move to the bucket being walked.
          if (check_bucket != kNoCheck && !h.h_->same_size_grow &&
              (h.hash_(b->keys[slot]) & bucket_mask(h.h_->b)) != check_bucket) {
            continue;
          }
          key_ = &b->keys[slot];
          value_ = &b->values[slot];
          bucket_ = bucket;
          bptr_ = b;
          i_ = i + 1;
          check_bucket_ = check_bucket;
          return true;
        }
        b = b->overflow;
        i = 0;
      }
    }
    const K& key() const noexcept { return *key_; }
    const V& value() const noexcept { return *value_; }

   private:
    friend class GoBucketMap;
    static constexpr std::size_t kNoCheck = ~std::size_t{0};

    const GoBucketMap* map_ = nullptr;  // nullptr: an empty map or the end
    const Bucket* bptr_ = nullptr;
    const K* key_ = nullptr;
    const V* value_ = nullptr;
    std::size_t start_bucket_ = 0;
    std::size_t bucket_ = 0;
    std::size_t check_bucket_ = kNoCheck;
    std::size_t i_ = 0;
    std::size_t offset_ = 0;
    bool wrapped_ = false;
  };

  /// for k, v := range m (mapiterinit): a random start bucket and slot offset, as Go's.
  Iter iterate() const {
    Iter it;
    if (h_->count == 0) return it;
    it.map_ = this;
    const std::uint64_t r = fastrand();
    it.start_bucket_ = r & bucket_mask(h_->b);
    it.offset_ = (r >> h_->b) & (kBucketSlots - 1);
    it.bucket_ = it.start_bucket_;
    return it;
  }

  /// Calls visit(key, value) for every entry, through Iter as a range loop does.
  template <class F>
  void for_each(F&& visit) const {
    for (Iter it = iterate(); it.next();)
      visit(it.key(), it.value());
  }

  std::size_t size() const noexcept { return h_->count; }
  /// 2^B: the buckets the hash indexes (overflow buckets not counted), Go's table size.
  std::size_t buckets() const noexcept { return std::size_t{1} << h_->b; }
  /// Slots of the indexed buckets: 8 × 2^B.
  std::size_t capacity() const noexcept { return buckets() * kBucketSlots; }
  /// Overflow buckets linked into the current array's chains.
  std::size_t overflow_buckets() const noexcept {
    std::size_t n = 0;
    for (std::size_t i = 0; i < buckets(); ++i) {
      for (const Bucket* b = h_->buckets ? h_->buckets[i].overflow : nullptr; b != nullptr;
           b = b->overflow)
        ++n;
    }
    return n;
  }
  /// Grows started: doublings and same-size grows.
  std::size_t growths() const noexcept { return growths_; }
  std::size_t same_size_growths() const noexcept { return same_size_growths_; }
  /// Where make(map) put the header (hmap): tests check Go's placement.
  const void* header() const noexcept { return h_.get(); }
  /// True while old buckets remain to be evacuated.
  bool growing() const noexcept { return h_->old_buckets != nullptr; }

 private:
  static constexpr std::uint8_t kEmptyRest = 0;
  static constexpr std::uint8_t kEmptyOne = 1;
  static constexpr std::uint8_t kEvacuatedX = 2;
  static constexpr std::uint8_t kEvacuatedEmpty = 4;
  static constexpr std::uint8_t kMinTopHash = 5;
  static constexpr std::size_t kPageSize = 8192;       // Go's _PageSize
  static constexpr std::size_t kMaxSmallSize = 32768;  // Go's _MaxSmallSize

  static bool is_empty(std::uint8_t top) noexcept { return top <= kEmptyOne; }
  static bool evacuated(const Bucket& b) noexcept {
    return b.tophash[0] > kEmptyOne && b.tophash[0] < kMinTopHash;
  }
  // The key test of a slot: fast64 compares the keys; the generic path first the tophash byte,
  // then the key type's equal (an indirect call in Go, KeyEq here).
  bool same_key(const Bucket& b, std::size_t i, const K& key, std::uint64_t hash) const {
    if constexpr (kFast64) {
      (void)hash;
      return b.keys[i] == key;
    } else {
      return b.tophash[i] == tophash(hash) && eq_(b.keys[i], key);
    }
  }

  static std::uint8_t tophash(std::uint64_t hash) noexcept {
    const auto top = static_cast<std::uint8_t>(hash >> 56);
    return top < kMinTopHash ? static_cast<std::uint8_t>(top + kMinTopHash) : top;
  }
  // Go's check for unsynchronised use: every access reads h.flags, and a write sets hashWriting
  // for its duration (a load, an xor and a store on the map header per write; a load and a
  // branch per read). Go throws "concurrent map writes"; so does the model.
  static constexpr std::uint8_t kHashWriting = 4;
  void check_not_writing() const noexcept {
    if ((h_->flags & kHashWriting) != 0) [[unlikely]]
      fatal_concurrent_writes();
  }
  template <class T>
  T done_writing(T result) noexcept {
    if ((h_->flags & kHashWriting) == 0) [[unlikely]]
      fatal_concurrent_writes();
    h_->flags &= static_cast<std::uint8_t>(~kHashWriting);
    return result;
  }
  [[noreturn, gnu::cold, gnu::noinline]] static void fatal_concurrent_writes() noexcept {
    std::fputs("fatal error: concurrent map writes (GoBucketMap)\n", stderr);
    std::abort();
  }
  // memclrNoHeapPointers: an assembly routine Go calls to clear a deleted pointer-free value.
  [[gnu::noinline]] static void memclr_no_heap_pointers(void* p, std::size_t n) noexcept {
    std::memset(p, 0, n);
  }

  static std::size_t bucket_mask(std::uint8_t b) noexcept { return (std::size_t{1} << b) - 1; }
  // count > 6.5 × 2^B, and never for a map that fits one bucket.
  static bool over_load_factor(std::size_t count, std::uint8_t b) noexcept {
    return count > kBucketSlots && count > 13 * ((std::size_t{1} << b) / 2);
  }
  // About as many overflow buckets as buckets (noverflow counts up to 2^15, see incr_noverflow).
  static bool too_many_overflow_buckets(std::uint16_t noverflow, std::uint8_t b) noexcept {
    return noverflow >= (std::uint16_t{1} << (b > 15 ? 15 : b));
  }
  std::size_t old_bucket_mask() const noexcept {
    return bucket_mask(h_->same_size_grow ? h_->b : static_cast<std::uint8_t>(h_->b - 1));
  }

  // Go's fastrand on amd64 (wyrand), per map here instead of per M; deterministic seed.
  std::uint32_t fastrand() const noexcept {
    rand_ += 0xa0761d6478bd642full;
    __extension__ using U128 = unsigned __int128;  // math.Mul64's 128-bit product
    const U128 p = static_cast<U128>(rand_) * (rand_ ^ 0xe7037ed1a0b428dbull);
    return static_cast<std::uint32_t>((p >> 64) ^ p);
  }

  // 2^b buckets plus, for b >= 4, 2^(b-4) spare ones for chains, zeroed (all emptyRest).
  std::unique_ptr<Bucket[]> make_bucket_array(std::uint8_t b) {
    const std::size_t base = std::size_t{1} << b;
    std::size_t n = base;
    if (b >= 4) {
      n += base >> 4;
      const std::size_t bytes = n * sizeof(Bucket);
      if (bytes >= kMaxSmallSize)
        n = (bytes + kPageSize - 1) / kPageSize * kPageSize / sizeof(Bucket);
    }
    auto out = std::make_unique<Bucket[]>(n);  // value-initialised: zeroed, as mallocgc's
    next_overflow_ = n > base ? &out[base] : nullptr;
    overflow_end_ = out.get() + n;
    return out;
  }

  // A bucket to chain after b: a spare one of the array if left, else a new allocation, kept
  // alive by the map's overflow list (Go's h.extra.overflow for pointer-free buckets).
  Bucket* new_overflow(Bucket* b) {
    Bucket* ovf;
    if (next_overflow_ != nullptr) {
      ovf = next_overflow_;
      if (++next_overflow_ == overflow_end_) next_overflow_ = nullptr;
    } else {
      overflow_.push_back(std::make_unique<Bucket>());
      ovf = overflow_.back().get();
    }
    incr_noverflow();
    b->overflow = ovf;
    return ovf;
  }

  // Exact up to B = 15; beyond, counted with probability 1/2^(B-15) so a uint16 still reaches
  // "as many overflow buckets as buckets" at about the right point.
  void incr_noverflow() noexcept {
    if (h_->b < 16) {
      ++h_->noverflow;
      return;
    }
    const std::uint32_t mask = (std::uint32_t{1} << (h_->b - 15)) - 1;
    if ((fastrand() & mask) == 0) ++h_->noverflow;
  }

  // Allocate the new array; the entries move later, a couple of buckets per write.
  void hash_grow() {
    const bool bigger = over_load_factor(h_->count + 1, h_->b);
    h_->same_size_grow = !bigger;
    h_->old_buckets = std::move(h_->buckets);
    old_overflow_ = std::move(overflow_);
    overflow_.clear();
    h_->b = static_cast<std::uint8_t>(h_->b + (bigger ? 1 : 0));
    h_->buckets = make_bucket_array(h_->b);
    h_->nevacuate = 0;
    h_->noverflow = 0;
    ++growths_;
    if (!bigger) ++same_size_growths_;
  }

  void grow_work(std::size_t bucket) {
    evacuate(bucket & old_bucket_mask());    // the old bucket the caller is about to use
    if (growing()) evacuate(h_->nevacuate);  // and one more, so the grow finishes
  }

  // Move old bucket `oldbucket` and its chain into the new array: to the same index (X) or, in
  // a doubling, to index + old size (Y) when the hash's new bit is set.
  void evacuate(std::size_t oldbucket) {
    Bucket* b = &h_->old_buckets[oldbucket];
    const std::size_t newbit = std::size_t{1} << (h_->same_size_grow ? h_->b : h_->b - 1);
    if (!evacuated(*b)) {
      struct Dst {
        Bucket* b;
        std::size_t i;
      };
      Dst xy[2] = {{&h_->buckets[oldbucket], 0}, {nullptr, 0}};
      if (!h_->same_size_grow) xy[1].b = &h_->buckets[oldbucket + newbit];
      for (; b != nullptr; b = b->overflow) {
        CB_GO_LOOP
        for (std::size_t i = 0; i < kBucketSlots; ++i) {
          const std::uint8_t top = b->tophash[i];
          if (is_empty(top)) {
            b->tophash[i] = kEvacuatedEmpty;
            continue;
          }
          std::size_t use_y = 0;
          if (!h_->same_size_grow && (hash_(b->keys[i]) & newbit) != 0) use_y = 1;
          b->tophash[i] = static_cast<std::uint8_t>(kEvacuatedX + use_y);
          Dst& dst = xy[use_y];
          if (dst.i == kBucketSlots) {
            dst.b = new_overflow(dst.b);
            dst.i = 0;
          }
          dst.b->tophash[dst.i] = top;
          dst.b->keys[dst.i] = b->keys[i];
          dst.b->values[dst.i] = b->values[i];
          ++dst.i;
        }
      }
    }
    if (oldbucket == h_->nevacuate) advance_evacuation_mark(newbit);
  }

  void advance_evacuation_mark(std::size_t newbit) {
    ++h_->nevacuate;
    // Skip buckets already evacuated by writes to them, at most 1024 at a time (Go's bound).
    const std::size_t stop = std::min(h_->nevacuate + 1024, newbit);
    while (h_->nevacuate != stop && evacuated(h_->old_buckets[h_->nevacuate]))
      ++h_->nevacuate;
    if (h_->nevacuate == newbit) {  // done: drop the old array and its overflow buckets
      h_->old_buckets.reset();
      old_overflow_.clear();
      h_->same_size_grow = false;
    }
  }

  // After slot i of bucket b (in the chain from `first`) was emptied: if nothing full follows
  // it in the chain, it and the empties before it become emptyRest, so inserts and deletes stop
  // there.
  static void mark_empty_rest(Bucket* first, Bucket* b, std::size_t i) noexcept {
    if (i == kBucketSlots - 1) {
      if (b->overflow != nullptr && b->overflow->tophash[0] != kEmptyRest) return;
    } else if (b->tophash[i + 1] != kEmptyRest) {
      return;
    }
    for (;;) {
      b->tophash[i] = kEmptyRest;
      if (i == 0) {
        if (b == first) return;
        Bucket* c = b;  // the bucket before b in the chain; continue at its last slot
        for (b = first; b->overflow != c; b = b->overflow) {
        }
        i = kBucketSlots - 1;
      } else {
        --i;
      }
      if (b->tophash[i] != kEmptyOne) return;
    }
  }

  // runtime.hmap: the header a Go map value points to (48 bytes in go1.19: count, flags, B,
  // noverflow, hash0, buckets, oldbuckets, nevacuate, extra), allocated as make(map) does, from
  // the 48-byte size class (GoSpanAlloc): consecutive maps' headers sit 48 bytes apart, as in Go,
  // so two maps made one after another share a cache line, and every write to either (count,
  // and flags twice) is a write to that line. Reached through a pointer, as Go's map value is.
  struct Hmap {
    std::size_t count = 0;
    std::uint8_t flags = 0;       // hashWriting
    std::uint8_t b = 0;           // log2 of the indexed buckets
    std::uint16_t noverflow = 0;  // approximate overflow buckets of buckets
    bool same_size_grow = false;
    std::unique_ptr<Bucket[]> buckets;      // 2^B indexed buckets, then the spare ones
    std::unique_ptr<Bucket[]> old_buckets;  // while growing: the array being evacuated
    std::size_t nevacuate = 0;              // old buckets below this are evacuated
  };
  static constexpr std::size_t kHmapBytes = 48;  // Go's sizeof(hmap) on 64-bit, its size class
  static_assert(sizeof(Hmap) <= kHmapBytes);
  using HmapAlloc = GoSpanAlloc<kHmapBytes>;
  struct HmapDelete {
    void operator()(Hmap* h) const noexcept {
      h->~Hmap();
      HmapAlloc::deallocate(h);
    }
  };

  std::unique_ptr<Hmap, HmapDelete> h_{::new (HmapAlloc::allocate()) Hmap{}};
  std::vector<std::unique_ptr<Bucket>> overflow_;      // allocated chain buckets of buckets
  std::vector<std::unique_ptr<Bucket>> old_overflow_;  // and of old_buckets
  Bucket* next_overflow_ = nullptr;                    // the next spare bucket of buckets, if any
  Bucket* overflow_end_ = nullptr;
  std::size_t growths_ = 0;
  std::size_t same_size_growths_ = 0;
  mutable std::uint64_t rand_ = 0x9e3779b97f4a7c15ull;  // fastrand state: iteration start too
  [[no_unique_address]] Hash hash_;
  [[no_unique_address]] KeyEq eq_;
};

}  // namespace claimbench::go
