// Tests for Go's transcribed sum loops (benchmarks/go_shaped_loops.hpp): every position sums.
#include <catch2/catch.hpp>

#include "go_shaped_loops.hpp"

#include <cstdint>
#include <numeric>
#include <vector>

using namespace claimbench::go_loops;

namespace {
std::vector<std::int64_t> data_for_test() {
  std::vector<std::int64_t> data(kElements);
  std::iota(data.begin(), data.end(), std::int64_t{1});
  data[kElements - 1] += 7;  // the last element counts: a loop that stops one short fails
  return data;
}
}  // namespace

TEST_CASE("Go's loops sum every element at every position", "[go_loops]") {
  if (!kHaveGoLoops) {
    WARN("Go's loops are transcribed for x86-64 only");
    return;
  }
  const auto data = data_for_test();
  const std::int64_t expected = std::accumulate(data.begin(), data.end(), std::int64_t{0});
  const CancelFlag live;
  for (int k = 0; k < kPositions; ++k) {
    INFO("position " << 4 * k);
    CHECK(kAt<Never>[k](data.data(), live) == expected);
    CHECK(kAt<Modulo>[k](data.data(), live) == expected);
    CHECK(kAt<Stripmined>[k](data.data(), live) == expected);
  }
}

TEST_CASE("Go's polling loops stop on a cancelled flag and the plain one does not", "[go_loops]") {
  if (!kHaveGoLoops) {
    WARN("Go's loops are transcribed for x86-64 only");
    return;
  }
  const auto data = data_for_test();
  CancelFlag cancelled;
  cancelled.cancel();
  for (int k = 0; k < kPositions; ++k) {
    INFO("position " << 4 * k);
    CHECK(kAt<Modulo>[k](data.data(), cancelled) == -1);
    CHECK(kAt<Stripmined>[k](data.data(), cancelled) == -1);
    CHECK(kAt<Never>[k](data.data(), cancelled) != -1);
  }
}

TEST_CASE("each position is its own copy of the loop", "[go_loops]") {
  if (!kHaveGoLoops) {
    WARN("Go's loops are transcribed for x86-64 only");
    return;
  }
  for (int k = 1; k < kPositions; ++k) {
    CHECK(kAt<Never>[k] != kAt<Never>[k - 1]);
    CHECK(kAt<Modulo>[k] != kAt<Modulo>[k - 1]);
    CHECK(kAt<Stripmined>[k] != kAt<Stripmined>[k - 1]);
  }
}
