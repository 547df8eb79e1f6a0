// Tests for claimbench::go::GoMap (analogues/go_map.hpp).
#include <catch2/catch.hpp>

#include "analogues/go_map.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <unordered_map>

using claimbench::go::GoMap;

namespace {

// Every key into h1 = 0 and one of two h2 values: every probe starts at group 0 and walks the
// quadratic sequence, and h2 matches are mostly false, so key comparison decides.
struct CollidingHash {
  std::uint64_t operator()(std::uint64_t key) const noexcept { return key & 1; }
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

}  // namespace

TEST_CASE("go_map: insert, overwrite, find, erase", "[analogues][go_map]") {
  GoMap<std::uint64_t, std::uint64_t> m;
  CHECK(m.size() == 0);
  CHECK(m.find(1) == nullptr);
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
}

TEST_CASE("go_map: agrees with std::unordered_map under random churn", "[analogues][go_map]") {
  // Keys from a small range so inserts hit erased keys again and tombstones get reused.
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::uint64_t> key(0, 4999);
  GoMap<std::uint64_t, std::uint64_t> m;
  std::unordered_map<std::uint64_t, std::uint64_t> oracle;
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t k = key(rng);
    switch (rng() % 3) {
      case 0:
      case 1:
        CHECK(m.insert_or_assign(k, i) == oracle.insert_or_assign(k, i).second);
        break;
      default:
        CHECK(m.erase(k) == (oracle.erase(k) == 1));
        break;
    }
  }
  REQUIRE(m.size() == oracle.size());
  for (std::uint64_t k = 0; k < 5000; ++k) {
    const auto* v = m.find(k);
    const auto it = oracle.find(k);
    REQUIRE((v != nullptr) == (it != oracle.end()));
    if (v != nullptr) CHECK(*v == it->second);
  }
  CHECK(contents(m) == std::map<std::uint64_t, std::uint64_t>(oracle.begin(), oracle.end()));
}

TEST_CASE("go_map: a size hint means no growth while filling", "[analogues][go_map]") {
  constexpr std::size_t n = 100000;
  GoMap<std::uint64_t, std::uint64_t> hinted(n);
  const std::size_t capacity = hinted.capacity();
  CHECK(capacity * 7 / 8 >= n);  // the load limit leaves room for all n
  for (std::uint64_t k = 0; k < n; ++k)
    hinted.insert_or_assign(k * 0x9e3779b97f4a7c15ull, k);
  CHECK(hinted.growths() == 0);
  CHECK(hinted.capacity() == capacity);

  GoMap<std::uint64_t, std::uint64_t> unhinted;
  for (std::uint64_t k = 0; k < n; ++k)
    unhinted.insert_or_assign(k * 0x9e3779b97f4a7c15ull, k);
  // From one group (8 slots) to >= n * 8 / 7 slots by doubling: 14 doublings for n = 100000.
  CHECK(unhinted.growths() == 14);
  CHECK(unhinted.capacity() == capacity);
  CHECK(unhinted.size() == n);
}

TEST_CASE("go_map: erasing never shrinks the table", "[analogues][go_map]") {
  constexpr std::uint64_t n = 50000;
  GoMap<std::uint64_t, std::uint64_t> m;
  for (std::uint64_t k = 0; k < n; ++k)
    m.insert_or_assign(k, k + 1);
  const std::size_t capacity = m.capacity();
  std::map<std::uint64_t, std::uint64_t> survivors;
  for (std::uint64_t k = 0; k < n; ++k) {
    if (k % 100 == 0) {
      survivors.emplace(k, k + 1);
    } else {
      REQUIRE(m.erase(k));
    }
  }
  CHECK(m.size() == survivors.size());
  CHECK(m.capacity() == capacity);
  CHECK(contents(m) == survivors);
  for (const auto& [k, v] : survivors)
    m.erase(k);
  CHECK(m.size() == 0);
  CHECK(m.capacity() == capacity);
  CHECK(contents(m).empty());
}

TEST_CASE("go_map: tombstones are cleared without growing under steady churn",
          "[analogues][go_map]") {
  // A sliding window of 100 live keys over 1M distinct keys: every slot is eventually reused or
  // tombstoned, and the rebuilds must clear tombstones instead of doubling forever.
  GoMap<std::uint64_t, std::uint64_t> m;
  for (std::uint64_t k = 0; k < 1000000; ++k) {
    m.insert_or_assign(k, k);
    if (k >= 100) REQUIRE(m.erase(k - 100));
  }
  CHECK(m.size() == 100);
  CHECK(m.capacity() <= 256);
  CHECK(m.find(999999) != nullptr);
  CHECK(m.find(999899) == nullptr);
}

TEST_CASE("go_map: probing over groups when every key collides", "[analogues][go_map]") {
  GoMap<std::uint64_t, std::uint64_t, CollidingHash> m;
  for (std::uint64_t k = 0; k < 1000; ++k)
    CHECK(m.insert_or_assign(k, 2 * k));
  for (std::uint64_t k = 0; k < 1000; k += 2)
    CHECK(m.erase(k));
  for (std::uint64_t k = 0; k < 1000; ++k) {
    const auto* v = m.find(k);
    if (k % 2 == 0) {
      CHECK(v == nullptr);
    } else {
      REQUIRE(v != nullptr);
      CHECK(*v == 2 * k);
    }
  }
  CHECK(m.size() == 500);
  CHECK(contents(m).size() == 500);
}
