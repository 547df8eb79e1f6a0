// Tests for claimbench::go::GoBucketMap (analogues/go_bucket_map.hpp), Go 1.19's bucket map.
#include <catch2/catch.hpp>

#include "analogues/go_bucket_map.hpp"

#include "claimbench/measure/alloc_count.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <thread>
#include <unordered_map>

using claimbench::go::GoBucketMap;

namespace {

// The key is its own hash: key & (2^B - 1) is its bucket, so a test can fill one chain.
struct IdentityHash {
  std::uint64_t operator()(std::uint64_t key) const noexcept { return key; }
};

template <class Map>
std::map<std::uint64_t, std::uint64_t> contents(const Map& m) {
  std::map<std::uint64_t, std::uint64_t> out;
  m.for_each([&](std::uint64_t k, std::uint64_t v) {
    const bool fresh = out.emplace(k, v).second;
    CHECK(fresh);  // a range loop must visit each key once
  });
  return out;
}

using Map = GoBucketMap<std::uint64_t, std::uint64_t>;
using Oracle = std::map<std::uint64_t, std::uint64_t>;

}  // namespace

TEST_CASE("go_bucket_map: insert, overwrite, find, erase", "[analogues][go_bucket_map]") {
  Map m;
  CHECK(m.size() == 0);
  CHECK(m.buckets() == 1);  // B = 0 until it grows
  CHECK(m.find(1) == nullptr);
  CHECK_FALSE(m.erase(1));
  CHECK(contents(m).empty());
  CHECK(m.insert_or_assign(1, 10));
  CHECK_FALSE(m.insert_or_assign(1, 11));  // overwrite: not a new key
  REQUIRE(m.find(1) != nullptr);
  CHECK(*m.find(1) == 11);
  CHECK(m.size() == 1);
  CHECK_FALSE(m.erase(2));
  CHECK(m.erase(1));
  CHECK_FALSE(m.erase(1));
  CHECK(m.find(1) == nullptr);
  CHECK(m.size() == 0);
  CHECK(Map::kBucketBytes == 144);  // Go's bucketsize for map[uint64]uint64
}

TEST_CASE("go_bucket_map: growth keeps every key, and a range during a grow sees each once",
          "[analogues][go_bucket_map]") {
  Map m;
  Oracle oracle;
  std::size_t checked_while_growing = 0;
  for (std::uint64_t k = 0; k < 20000; ++k) {
    const std::uint64_t key = k * 0x9e3779b97f4a7c15ull;
    REQUIRE(m.insert_or_assign(key, k));
    oracle.emplace(key, k);
    // Mid-grow the entries sit in two arrays: find and range must read both.
    if (m.growing() && k % 37 == 0) {
      ++checked_while_growing;
      REQUIRE(contents(m) == oracle);
    }
  }
  CHECK(checked_while_growing > 10);
  CHECK(m.size() == oracle.size());
  for (const auto& [key, v] : oracle) {
    const auto* found = m.find(key);
    REQUIRE(found != nullptr);
    CHECK(*found == v);
  }
  CHECK(contents(m) == oracle);
}

TEST_CASE("go_bucket_map: agrees with std::unordered_map under random churn",
          "[analogues][go_bucket_map]") {
  // Keys from a small range so deleted keys come back, into chains with emptyOne/emptyRest
  // slots, and growth happens while keys are being deleted.
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::uint64_t> key(0, 4999);
  Map m;
  std::unordered_map<std::uint64_t, std::uint64_t> oracle;
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t k = key(rng);
    switch (rng() % 3) {
      case 0:
      case 1:
        REQUIRE(m.insert_or_assign(k, i) == oracle.insert_or_assign(k, i).second);
        break;
      default:
        REQUIRE(m.erase(k) == (oracle.erase(k) == 1));
        break;
    }
    if (i % 9973 == 0) REQUIRE(contents(m) == Oracle(oracle.begin(), oracle.end()));
  }
  REQUIRE(m.size() == oracle.size());
  for (std::uint64_t k = 0; k < 5000; ++k) {
    const auto* v = m.find(k);
    const auto it = oracle.find(k);
    REQUIRE((v != nullptr) == (it != oracle.end()));
    if (v != nullptr) CHECK(*v == it->second);
  }
  CHECK(contents(m) == Oracle(oracle.begin(), oracle.end()));
}

TEST_CASE("go_bucket_map: a size hint means no growth while filling",
          "[analogues][go_bucket_map]") {
  constexpr std::size_t n = 100000;
  Map hinted(n);
  // The smallest B with 6.5 × 2^B >= n: 2^14 = 16384 buckets hold 106,496.
  CHECK(hinted.buckets() == 16384);
  for (std::uint64_t k = 0; k < n; ++k)
    hinted.insert_or_assign(k * 0x9e3779b97f4a7c15ull, k);
  CHECK(hinted.growths() == 0);
  CHECK(hinted.buckets() == 16384);

  Map unhinted;
  for (std::uint64_t k = 0; k < n; ++k)
    unhinted.insert_or_assign(k * 0x9e3779b97f4a7c15ull, k);
  // From B = 0 to the same B = 14 by doubling: 14 doublings, each evacuated by later inserts.
  CHECK(unhinted.growths() - unhinted.same_size_growths() == 14);
  CHECK(unhinted.buckets() == 16384);
  CHECK(unhinted.size() == n);
  CHECK(contents(unhinted) == contents(hinted));
}

TEST_CASE("go_bucket_map: deleting never shrinks the table or its chains",
          "[analogues][go_bucket_map]") {
  constexpr std::uint64_t n = 50000;
  Map m;
  for (std::uint64_t k = 0; k < n; ++k)
    m.insert_or_assign(k * 0x9e3779b97f4a7c15ull, k + 1);
  REQUIRE_FALSE(m.growing());
  const std::size_t buckets = m.buckets();
  const std::size_t overflow = m.overflow_buckets();
  const std::size_t growths = m.growths();
  CHECK(overflow > 0);  // at load 50000 / 8192 = 6.1 per bucket, some chains overflow
  Oracle survivors;
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::uint64_t key = k * 0x9e3779b97f4a7c15ull;
    if (k % 100 == 0) {
      survivors.emplace(key, k + 1);
    } else {
      REQUIRE(m.erase(key));
    }
  }
  CHECK(m.size() == survivors.size());
  CHECK(m.buckets() == buckets);
  CHECK(m.overflow_buckets() == overflow);  // chains stay linked: the range still walks them
  CHECK(contents(m) == survivors);

  // Delete the rest and insert them again: the freed slots take them back, nothing grows.
  for (const auto& [k, v] : survivors)
    REQUIRE(m.erase(k));
  CHECK(m.size() == 0);
  CHECK(contents(m).empty());
  for (const auto& [k, v] : survivors)
    REQUIRE(m.insert_or_assign(k, v));
  CHECK(m.growths() == growths);
  CHECK(m.buckets() == buckets);
  CHECK(m.overflow_buckets() == overflow);
  CHECK(contents(m) == survivors);
}

TEST_CASE("go_bucket_map: an overflow chain: find, delete in the middle, reinsert",
          "[analogues][go_bucket_map]") {
  // Hint 20: B = 2 (4 buckets hold 26). Multiples of 4 all land in bucket 0: a chain of three
  // buckets (8 + 8 + 4 entries).
  GoBucketMap<std::uint64_t, std::uint64_t, IdentityHash> m(20);
  REQUIRE(m.buckets() == 4);
  for (std::uint64_t i = 0; i < 20; ++i)
    REQUIRE(m.insert_or_assign(4 * i, i));
  CHECK(m.overflow_buckets() == 2);
  CHECK(m.growths() == 0);

  // Deleting early slots must not hide the later ones: an insert of a key in the third bucket
  // finds it (no duplicate), and a lookup does too.
  for (std::uint64_t i : {0, 3, 7, 8, 15})
    REQUIRE(m.erase(4 * i));
  CHECK_FALSE(m.insert_or_assign(4 * 19, 190));
  CHECK(*m.find(4 * 19) == 190);
  CHECK(m.size() == 15);

  // Deleting the tail turns the chain's trailing empties into emptyRest; reinsertion fills the
  // first empty slot, so the chain never gets longer.
  for (std::uint64_t i = 16; i < 20; ++i)
    REQUIRE(m.erase(4 * i));
  for (std::uint64_t i : {0, 3, 7, 8, 15, 16, 17, 18, 19})
    REQUIRE(m.insert_or_assign(4 * i, i + 100));
  CHECK(m.overflow_buckets() == 2);
  CHECK(m.size() == 20);
  Oracle expected;
  for (std::uint64_t i = 0; i < 20; ++i)
    expected.emplace(4 * i, i);
  for (std::uint64_t i : {0, 3, 7, 8, 15, 16, 17, 18, 19})
    expected[4 * i] = i + 100;
  CHECK(contents(m) == expected);

  // Delete everything, from the front: the whole chain ends up emptyRest and empty.
  for (std::uint64_t i = 0; i < 20; ++i)
    REQUIRE(m.erase(4 * i));
  CHECK(contents(m).empty());
  CHECK(m.find(4 * 19) == nullptr);
}

TEST_CASE("go_bucket_map: too many overflow buckets trigger a same-size grow",
          "[analogues][go_bucket_map]") {
  // Hint 13: B = 1. Twelve even keys chain in bucket 0 (one overflow bucket) and are deleted;
  // nine odd keys then chain in bucket 1: two overflow buckets for two buckets, with 9 entries,
  // far below the 13 of load 6.5.
  GoBucketMap<std::uint64_t, std::uint64_t, IdentityHash> m(13);
  REQUIRE(m.buckets() == 2);
  for (std::uint64_t i = 0; i < 12; ++i)
    REQUIRE(m.insert_or_assign(2 * i, i));
  for (std::uint64_t i = 0; i < 12; ++i)
    REQUIRE(m.erase(2 * i));
  for (std::uint64_t i = 0; i < 9; ++i)
    REQUIRE(m.insert_or_assign(2 * i + 1, i));
  CHECK(m.overflow_buckets() == 2);
  CHECK(m.growths() == 0);
  // The next new key grows the table to the same size; this one write evacuates both buckets
  // (its own and the next in order), leaving only the chain that is still needed.
  REQUIRE(m.insert_or_assign(19, 9));
  CHECK(m.growths() == 1);
  CHECK(m.same_size_growths() == 1);
  CHECK(m.buckets() == 2);
  CHECK_FALSE(m.growing());
  CHECK(m.overflow_buckets() == 1);  // bucket 1's 10 entries still need two buckets
  CHECK(m.size() == 10);
  Oracle expected;
  for (std::uint64_t i = 0; i < 10; ++i)
    expected.emplace(2 * i + 1, i);
  CHECK(contents(m) == expected);
}

TEST_CASE("go_bucket_map: steady churn grows to the same size instead of doubling forever",
          "[analogues][go_bucket_map]") {
  // A window of 100 live keys sliding over 200,000: chains overflow and empty again as keys
  // come and go, so overflow buckets pile up until a same-size grow compacts them.
  Map m;
  std::size_t checked_while_growing = 0;
  for (std::uint64_t k = 0; k < 200000; ++k) {
    m.insert_or_assign(k, k);
    if (k >= 100) REQUIRE(m.erase(k - 100));
    if (m.growing() && checked_while_growing < 50) {
      ++checked_while_growing;
      Oracle expected;
      for (std::uint64_t j = k >= 100 ? k - 99 : 0; j <= k; ++j)
        expected.emplace(j, j);
      REQUIRE(contents(m) == expected);
    }
  }
  CHECK(m.size() == 100);
  CHECK(m.same_size_growths() > 0);
  CHECK(m.buckets() <= 32);
  CHECK(checked_while_growing > 0);
  CHECK(m.find(199999) != nullptr);
  CHECK(m.find(199899) == nullptr);
}

TEST_CASE("go_bucket_map: make(map) allocates one 48-byte header, next to the last map's",
          "[analogues][go_bucket_map]") {
  // On a fresh thread: its size-class cache has no freed slots yet, as a fresh P's span.
  std::uint64_t allocations = 0;
  std::uint64_t bytes = 0;
  int adjacent = 0;
  std::thread maker([&] {
    const claimbench::AllocCount before = claimbench::thread_alloc_count();
    std::array<Map, 9> maps;  // constructed in order, as sixteen shards' make(map) calls
    const claimbench::AllocCount after = claimbench::thread_alloc_count();
    allocations = after.allocations - before.allocations;
    bytes = after.bytes - before.bytes;
    for (std::size_t i = 1; i < maps.size(); ++i) {
      adjacent += reinterpret_cast<std::uintptr_t>(maps[i].header()) -
                      reinterpret_cast<std::uintptr_t>(maps[i - 1].header()) ==
                  48;
    }
  });
  maker.join();
  CHECK(allocations == 9);  // one hmap each; a bucket comes with the first insert
  CHECK(bytes == 9 * 48);
  CHECK(adjacent >= 7);  // 48 bytes apart, unless a span ends between two
}
