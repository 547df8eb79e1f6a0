// Tests for claimbench::go::GoSlice and its growth rules (analogues/go_slice.hpp).
#include <catch2/catch.hpp>

#include "analogues/go_slice.hpp"
#include "claimbench/catalog/claims.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

using claimbench::go::capacity_sequence;
using claimbench::go::GoGrowth;
using claimbench::go::GoSlice;
using claimbench::go::growth_differences;
using claimbench::go::growth_table;
using claimbench::go::roundupsize;
using claimbench::go::SeedsGrowth;

using Sizes = std::vector<std::size_t>;

TEST_CASE("go_slice: roundupsize follows Go's size classes and pages", "[analogues][go_slice]") {
  CHECK(roundupsize(1) == 8);
  CHECK(roundupsize(8) == 8);
  CHECK(roundupsize(9) == 16);
  CHECK(roundupsize(17) == 24);  // the 24-byte class of the current table
  CHECK(roundupsize(33) == 48);
  CHECK(roundupsize(1025) == 1152);
  CHECK(roundupsize(6656) == 6784);  // 832 int64s: the step after 512 elements
  CHECK(roundupsize(10016) == 10240);
  CHECK(roundupsize(32767) == 32768);
  CHECK(roundupsize(32768) == 32768);
  CHECK(roundupsize(32769) == 40960);  // beyond the last class: whole 8 KiB pages
  CHECK(roundupsize(35616) == 40960);
  CHECK(roundupsize(40960) == 40960);
}

// Where the expected capacities come from: Go's runtime source (slice.go's nextslicecap and
// growslice, msize.go's roundupsize, the size classes; commits named in go_slice.hpp), worked by
// hand for 8-byte pointer-free elements (int64) appended one at a time to a nil slice, so a
// growth happens when len == cap and asks for newLen = cap + 1. The same sequence up to 110592
// is what Go 1.18+ programs print for `var s []int; for ... { s = append(s, i) }` with s
// escaping (published outputs of that loop; Go 1.26 may start a non-escaping slice at 4 from a
// stack buffer, which this does not model).
//
//   cap 0: newLen 1 > 2*0, take 1 → 8 B, class 8 → cap 1
//   cap 1..128: double (cap < 256) → 16, 32, ... 2048 B, all exact classes → 2, 4, ... 256
//   cap 256: not < 256 → 256 + (256+768)/4 = 512 → 4096 B, class 4096 → 512
//   cap 512: 512 + (512+768)/4 = 832 → 6656 B → class 6784 → 6784/8 = 848
//   cap 848: 848 + (848+768)/4 = 1252 → 10016 B → class 10240 → 1280
//   cap 1280: 1280 + 2048/4 = 1792 → 14336 B, class 14336 → 1792
//   cap 1792: 1792 + 2560/4 = 2432 → 19456 B → class 20480 → 2560
//   cap 2560: 2560 + 3328/4 = 3392 → 27136 B → class 27264 → 3408
//   cap 3408: 3408 + 4176/4 = 4452 → 35616 B > 32768 → 5 pages = 40960 B → 5120
//   cap 5120: 5120 + 5888/4 = 6592 → 52736 B → 7 pages = 57344 B → 7168
//   cap 7168: 7168 + 7936/4 = 9152 → 73216 B → 9 pages = 73728 B → 9216
//   cap 9216: 9216 + 9984/4 = 11712 → 93696 B → 12 pages = 98304 B → 12288
//   cap 12288: 12288 + 13056/4 = 15552 → 124416 B → 16 pages → 16384
//   cap 16384: 16384 + 17152/4 = 20672 → 165376 B → 21 pages → 21504
//   ... (same steps) 27648, 34816, 44032, 55296, 69632, 88064, 110592, 139264, 175104, 219136,
//   274432, 344064, 431104, 539648, 674816, 843776, 1055744
TEST_CASE("go_slice: Go's rule gives Go's capacity sequence for int64", "[analogues][go_slice]") {
  const Sizes expected = {1,      2,      4,      8,      16,     32,     64,     128,
                          256,    512,    848,    1280,   1792,   2560,   3408,   5120,
                          7168,   9216,   12288,  16384,  21504,  27648,  34816,  44032,
                          55296,  69632,  88064,  110592, 139264, 175104, 219136, 274432,
                          344064, 431104, 539648, 674816, 843776, 1055744};
  CHECK(capacity_sequence<GoGrowth>(8, 1'000'000) == expected);
}

TEST_CASE("go_slice: Go's rule for other element sizes", "[analogues][go_slice]") {
  // 1-byte elements: from 0, newLen 1 → 8 B class → cap 8; then doubling in exact classes up to
  // 256; at 256 the smooth step gives 512; at 512 it gives 832 B → class 896.
  CHECK(capacity_sequence<GoGrowth>(1, 1000) == Sizes{8, 16, 32, 64, 128, 256, 512, 896, 1408});
  // Appending many at once: newLen > 2*cap takes newLen, then rounds (5 int64 = 40 B → 48 B).
  CHECK(GoGrowth::next_capacity(2, 5, 8) == 6);
  CHECK(GoGrowth::nextslicecap(2, 5) == 5);
  // The smooth step repeats until it is enough: from 300 to 590 (not more than double) takes
  // two steps (300 + (300+768)/4 = 567 < 590; 567 + (567+768)/4 = 900).
  CHECK(GoGrowth::nextslicecap(300, 590) == 900);
  // More than double needed: exactly newLen, no step (the same as the seeds say).
  CHECK(GoGrowth::nextslicecap(300, 1000) == 1000);
}

TEST_CASE("go_slice: the seeds' rule doubles below 256, then multiplies by 1.25",
          "[analogues][go_slice]") {
  const auto caps = capacity_sequence<SeedsGrowth>(8, 1000);
  // 1, 2, 4, ... 256 by doubling; then 320 = 256 × 1.25, 400, 500, 625, 781 (625 + 156), ...
  CHECK(caps == Sizes{1, 2, 4, 8, 16, 32, 64, 128, 256, 320, 400, 500, 625, 781, 976, 1220});
  CHECK(SeedsGrowth::next_capacity(255, 256, 8) == 510);  // still below 256: doubles
  CHECK(SeedsGrowth::next_capacity(256, 257, 8) == 320);  // from 256 on: 1.25×
  CHECK(SeedsGrowth::next_capacity(4, 20, 8) == 20);      // more than double needed: exact
  CHECK(SeedsGrowth::next_capacity(400, 700, 8) == 781);  // 400 → 500 → 625 → 781
  // No size-class rounding: element size does not matter.
  CHECK(SeedsGrowth::next_capacity(512, 513, 1) == SeedsGrowth::next_capacity(512, 513, 8));
}

TEST_CASE("go_slice: the two rules part at 256 elements", "[analogues][go_slice]") {
  const auto diffs = growth_differences(8, 1'000'000);
  REQUIRE(diffs.size() == 47 - 9);  // every growth after the ninth; the seeds' rule needs 47
  CHECK(diffs.front() == claimbench::go::GrowthDifference{10, 320, 512});
  CHECK(diffs[1] == claimbench::go::GrowthDifference{11, 400, 848});
  // Go's rule reaches 1,000,000 in 38 growths; the seeds' rule is still growing after that.
  CHECK(diffs.back() == claimbench::go::GrowthDifference{47, 1230650, 0});
  CHECK(diffs[38 - 10] == claimbench::go::GrowthDifference{38, 165176, 1055744});
  CHECK(diffs[39 - 10] == claimbench::go::GrowthDifference{39, 206470, 0});
  // Below 256 elements the rules agree completely.
  CHECK(growth_differences(8, 256).empty());
}

TEST_CASE("go_slice: the claim file carries the current growth table", "[analogues][go_slice]") {
  auto claim =
      claimbench::load_claim(std::string(CLAIMBENCH_SOURCE_DIR) + "/claims/slice-growth.toml");
  REQUIRE(claim.has_value());
  const std::string table = growth_table(8, 1'000'000);
  CHECK(table.rfind("| grow |", 0) == 0);
  CHECK(table.find("| 10 | 320 | 1.25 | 512 | 2.00 |") != std::string::npos);
  INFO("regenerate the table in claims/slice-growth.toml's caveats from growth_table(8, 1000000):\n"
       << table);
  CHECK(claim->caveats.find(table) != std::string::npos);
}

TEST_CASE("go_slice: append keeps elements, grows by the rule, counts copies",
          "[analogues][go_slice]") {
  GoSlice<std::int64_t, GoGrowth> s;
  CHECK(s.size() == 0);
  CHECK(s.capacity() == 0);
  CHECK(s.data() == nullptr);
  std::vector<std::size_t> seen;
  std::size_t expected_copied = 0;
  for (std::int64_t i = 0; i < 5000; ++i) {
    const std::size_t cap_before = s.capacity();
    s.append(i * 3);
    if (s.capacity() != cap_before) {
      seen.push_back(s.capacity());
      expected_copied += cap_before * sizeof(std::int64_t);  // grows when len == cap
    }
  }
  REQUIRE(s.size() == 5000);
  for (std::size_t i = 0; i < s.size(); ++i)
    REQUIRE(s[i] == static_cast<std::int64_t>(i) * 3);
  CHECK(seen == capacity_sequence<GoGrowth>(8, 5000));
  CHECK(s.grows() == seen.size());
  CHECK(s.bytes_copied() == expected_copied);
}

TEST_CASE("go_slice: growth clears the new tail, as growslice does", "[analogues][go_slice]") {
  GoSlice<std::int64_t, SeedsGrowth> s;
  for (std::int64_t i = 1; i <= 257; ++i)
    s.append(i);
  REQUIRE(s.capacity() == 320);
  for (std::size_t i = 257; i < s.capacity(); ++i)
    REQUIRE(s.data()[i] == 0);
}

TEST_CASE("go_slice: make preallocates once and append never grows within cap",
          "[analogues][go_slice]") {
  auto s = GoSlice<std::int64_t, GoGrowth>::make(0, 1000);
  CHECK(s.capacity() == 1000);  // make keeps the cap asked for
  const std::int64_t* array = s.data();
  for (std::size_t i = 0; i < s.capacity(); ++i)
    REQUIRE(array[i] == 0);
  for (std::int64_t i = 0; i < 1000; ++i)
    s.append(i);
  CHECK(s.data() == array);
  CHECK(s.grows() == 0);
  CHECK(s.bytes_copied() == 0);
  s.append(1000);  // the 1001st element grows: 1000 + (1000+768)/4 = 1442 → 11536 B → 12288 B
  CHECK(s.capacity() == 1536);
  CHECK(s.grows() == 1);
  CHECK(s.bytes_copied() == 8000);
  CHECK(s[1000] == 1000);
  CHECK(s[0] == 0);

  auto moved = std::move(s);
  CHECK(moved.size() == 1001);
  CHECK(s.size() == 0);  // NOLINT(bugprone-use-after-move): a moved-from slice is nil
  CHECK(s.data() == nullptr);
}
