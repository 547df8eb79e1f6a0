/// A model of Go's built-in map since Go 1.24 (internal/runtime/maps): a Swiss table.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace claimbench::go {

/// Go hashes keys with a seeded hash (aeshash on amd64); this is murmur3's 64-bit finaliser,
/// a good mixer of the same cost class, with a fixed seed so tests are deterministic.
struct MixHash {
  std::uint64_t operator()(std::uint64_t key) const noexcept {
    std::uint64_t x = key ^ 0x9e3779b97f4a7c15ull;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
  }
};

// Mechanism, as in Go's maps package: slots come in groups of 8, each group led by an 8-byte
// control word with one byte per slot: 0x80 empty, 0xFE deleted (a tombstone), 0b0hhhhhhh full
// (h2 = the hash's low 7 bits). h1 (the rest of the hash) picks the first group; the probe moves
// over groups quadratically (1, 2, 3, ... groups on), testing all 8 control bytes at once with
// word arithmetic (SWAR), and stops at the first group with an empty slot. The table holds at
// most 7/8 of its slots full and doubles when that budget (growth_left) is spent. Deleting
// empties the slot if its group has an empty slot (no probe can run past such a group) and
// tombstones it otherwise. Nothing ever makes the table smaller, so a range loop, which walks
// every group, costs what the largest size the map ever had costs.
//
// Simplifications, said where a reader of Go's source would look: Go splits a table that
// outgrows 1024 slots into two under a directory (extendible hashing); here one table doubles.
// Go randomises the iteration start; here iteration runs from group 0. A map of at most 8 entries
// is one group in Go without a table; here it is a table of one group. Keys and values must be
// trivially copyable (as the uint64 keys of the benchmark are). KeyEq compares keys: inline ==
// for a map[uint64]V; sync_map.hpp passes an indirect call through the key's type, the compare
// of an interface-keyed map[any]V.
template <class K, class V, class Hash = MixHash, class KeyEq = std::equal_to<K>>
class GoMap {
  static_assert(std::is_trivially_copyable_v<K> && std::is_trivially_copyable_v<V>);

 public:
  static constexpr std::size_t kGroupSlots = 8;

  /// make(map[K]V, hint): a table big enough that `hint` inserts never grow it.
  explicit GoMap(std::size_t hint = 0) { allocate(groups_for(hint)); }

  GoMap(const GoMap&) = delete;
  GoMap& operator=(const GoMap&) = delete;
  GoMap(GoMap&&) noexcept = default;
  GoMap& operator=(GoMap&&) noexcept = default;

  /// m[key] = value. Returns true when the key was new.
  bool insert_or_assign(const K& key, const V& value) {
    for (;;) {
      const std::uint64_t hash = hash_(key);
      const std::uint8_t h2 = hash & 0x7f;
      std::size_t group = (hash >> 7) & mask_;
      Group* tomb_group = nullptr;
      int tomb_slot = -1;
      for (std::size_t step = 1;; ++step) {
        Group& g = groups_[group];
        for (std::uint64_t m = match_h2(g.ctrl, h2); m != 0; m &= m - 1) {
          const int slot = first_slot(m);
          if (eq_(g.slots[slot].key, key)) {
            g.slots[slot].value = value;
            return false;
          }
        }
        if (tomb_group == nullptr) {
          if (const std::uint64_t d = match_deleted(g.ctrl); d != 0) {
            tomb_group = &g;
            tomb_slot = first_slot(d);
          }
        }
        if (const std::uint64_t e = match_empty(g.ctrl); e != 0) {
          // The key is absent. Reusing a tombstone costs no growth budget; an empty slot does.
          if (tomb_group != nullptr) {
            place(*tomb_group, tomb_slot, h2, key, value);
            return true;
          }
          if (growth_left_ == 0) break;  // rehash, then probe again in the new table
          place(g, first_slot(e), h2, key, value);
          --growth_left_;
          return true;
        }
        group = (group + step) & mask_;
      }
      grow();
    }
  }

  /// v, ok := m[key]: a pointer to the value, or nullptr.
  V* find(const K& key) { return const_cast<V*>(std::as_const(*this).find(key)); }
  const V* find(const K& key) const {
    const std::uint64_t hash = hash_(key);
    const std::uint8_t h2 = hash & 0x7f;
    std::size_t group = (hash >> 7) & mask_;
    for (std::size_t step = 1;; ++step) {
      const Group& g = groups_[group];
      for (std::uint64_t m = match_h2(g.ctrl, h2); m != 0; m &= m - 1) {
        const int slot = first_slot(m);
        if (eq_(g.slots[slot].key, key)) return &g.slots[slot].value;
      }
      if (match_empty(g.ctrl) != 0) return nullptr;
      group = (group + step) & mask_;
    }
  }

  /// delete(m, key). Returns true when the key was present.
  bool erase(const K& key) {
    const std::uint64_t hash = hash_(key);
    const std::uint8_t h2 = hash & 0x7f;
    std::size_t group = (hash >> 7) & mask_;
    for (std::size_t step = 1;; ++step) {
      Group& g = groups_[group];
      for (std::uint64_t m = match_h2(g.ctrl, h2); m != 0; m &= m - 1) {
        const int slot = first_slot(m);
        if (!eq_(g.slots[slot].key, key)) continue;
        if (match_empty(g.ctrl) != 0) {
          set_ctrl(g, slot, kEmpty);
          ++growth_left_;
        } else {
          set_ctrl(g, slot, kDeleted);
        }
        --size_;
        return true;
      }
      if (match_empty(g.ctrl) != 0) return false;
      group = (group + step) & mask_;
    }
  }

  /// for k, v := range m: visits every full slot of every group.
  template <class F>
  void for_each(F&& visit) const {
    for (std::size_t i = 0; i <= mask_; ++i) {
      const Group& g = groups_[i];
      for (std::uint64_t m = match_full(g.ctrl); m != 0; m &= m - 1) {
        const Slot& s = g.slots[first_slot(m)];
        visit(s.key, s.value);
      }
    }
  }

  std::size_t size() const noexcept { return size_; }
  /// Slots in the table (Go: the sum of its tables' capacities).
  std::size_t capacity() const noexcept { return (mask_ + 1) * kGroupSlots; }
  /// How many times the table was rebuilt because it ran out of room.
  std::size_t growths() const noexcept { return growths_; }

 private:
  static constexpr std::uint8_t kEmpty = 0x80;
  static constexpr std::uint8_t kDeleted = 0xfe;
  static constexpr std::uint64_t kLsb = 0x0101010101010101ull;
  static constexpr std::uint64_t kMsb = 0x8080808080808080ull;

  struct Slot {
    K key;
    V value;
  };
  struct Group {
    std::uint64_t ctrl;  // byte i describes slots[i]
    Slot slots[kGroupSlots];
  };

  // Bytes equal to h2 get their high bit set. Like Go's portable matchH2 it can report a false
  // positive just above a true match (a borrow); callers compare keys, so that costs a compare.
  static std::uint64_t match_h2(std::uint64_t ctrl, std::uint8_t h2) noexcept {
    const std::uint64_t v = ctrl ^ (kLsb * h2);
    return (v - kLsb) & ~v & kMsb;
  }
  // Empty (0x80) is the only control byte with bit 7 set and bit 1 clear.
  static std::uint64_t match_empty(std::uint64_t ctrl) noexcept {
    return ctrl & ~(ctrl << 6) & kMsb;
  }
  static std::uint64_t match_deleted(std::uint64_t ctrl) noexcept {
    return ctrl & kMsb & ~match_empty(ctrl);
  }
  static std::uint64_t match_full(std::uint64_t ctrl) noexcept { return ~ctrl & kMsb; }
  static int first_slot(std::uint64_t bits) noexcept { return std::countr_zero(bits) / 8; }

  static void set_ctrl(Group& g, int slot, std::uint8_t byte) noexcept {
    const int shift = slot * 8;
    g.ctrl = (g.ctrl & ~(std::uint64_t{0xff} << shift)) | (std::uint64_t{byte} << shift);
  }
  void place(Group& g, int slot, std::uint8_t h2, const K& key, const V& value) noexcept {
    g.slots[slot].key = key;
    g.slots[slot].value = value;
    set_ctrl(g, slot, h2);
    ++size_;
  }

  // Groups (a power of two) such that `entries` fit within the 7/8 load limit.
  static std::size_t groups_for(std::size_t entries) {
    const std::size_t slots = (entries * kGroupSlots + 6) / 7;  // ceil(entries * 8 / 7)
    return std::bit_ceil(std::max<std::size_t>(1, (slots + kGroupSlots - 1) / kGroupSlots));
  }

  void allocate(std::size_t groups) {
    groups_ = std::make_unique_for_overwrite<Group[]>(groups);
    for (std::size_t i = 0; i < groups; ++i)
      groups_[i].ctrl = kLsb * kEmpty;
    mask_ = groups - 1;
    growth_left_ = groups * kGroupSlots * 7 / 8;
    size_ = 0;
  }

  // Out of growth budget: double, unless tombstones fill most of it (a table that is less than
  // half full by the load limit is rebuilt at the same size to clear them). Never smaller.
  void grow() {
    const std::size_t old_groups = mask_ + 1;
    const bool mostly_tombstones = size_ * 2 < old_groups * kGroupSlots * 7 / 8;
    std::unique_ptr<Group[]> old = std::move(groups_);
    allocate(mostly_tombstones ? old_groups : old_groups * 2);
    for (std::size_t i = 0; i < old_groups; ++i) {
      const Group& g = old[i];
      for (std::uint64_t m = match_full(g.ctrl); m != 0; m &= m - 1) {
        const Slot& s = g.slots[first_slot(m)];
        insert_new(s.key, s.value);
      }
    }
    ++growths_;
  }

  // Insert of a key known to be absent into a table with room and no tombstones (a rebuild).
  void insert_new(const K& key, const V& value) noexcept {
    const std::uint64_t hash = hash_(key);
    std::size_t group = (hash >> 7) & mask_;
    for (std::size_t step = 1;; ++step) {
      Group& g = groups_[group];
      if (const std::uint64_t e = match_empty(g.ctrl); e != 0) {
        place(g, first_slot(e), hash & 0x7f, key, value);
        --growth_left_;
        return;
      }
      group = (group + step) & mask_;
    }
  }

  std::unique_ptr<Group[]> groups_;
  std::size_t mask_ = 0;  // groups - 1
  std::size_t size_ = 0;
  std::size_t growth_left_ = 0;
  std::size_t growths_ = 0;
  [[no_unique_address]] Hash hash_;
  [[no_unique_address]] KeyEq eq_;
};

}  // namespace claimbench::go
