// go_loop_positions: the time per element of each of Go's loops (go_shaped_loops.hpp) at each of
// its 16 positions in a 64-byte line, on one pinned PU. The go-shaped-* rows of
// context-check-interval report the mean over positions; this shows the spread behind it, and
// where a twin binary's own loop falls (its offset in its line: `go tool objdump`).
//
// Usage: go_loop_positions [PU] [passes]. Best of 15 rounds of `passes` passes (default 200).
#include <fmt/core.h>
#include <sched.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <numeric>
#include <string>
#include <vector>

#include "go_shaped_loops.hpp"

namespace {

using namespace claimbench::go_loops;

struct Row {
  const char* name;
  const std::array<Pass, kPositions>& at;
};

double ns_per_element(Pass pass, std::vector<std::int64_t>& data, const CancelFlag& live,
                      int passes) {
  double best = 1e300;
  for (int round = 0; round < 15; ++round) {
    std::int64_t sink = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int p = 0; p < passes; ++p) {
      data[static_cast<std::size_t>(p) & (data.size() - 1)] += 1;  // no sum is invariant
      sink += pass(data.data(), live);
    }
    const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
    if (sink == 0) fmt::print("");  // keeps the sums alive
    best = std::min(best, took.count() / passes / static_cast<double>(kElements));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (!kHaveGoLoops) {
    fmt::print(stderr, "go_loop_positions: Go's loops are transcribed for x86-64 only\n");
    return 2;
  }
  const int pu = argc > 1 ? std::atoi(argv[1]) : 0;
  const int passes = argc > 2 ? std::max(1, std::atoi(argv[2])) : 200;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(pu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) {
    fmt::print(stderr, "go_loop_positions: cannot pin to PU {}\n", pu);
    return 2;
  }
  std::vector<std::int64_t> data(kElements);
  std::iota(data.begin(), data.end(), std::int64_t{1});
  const CancelFlag live;
  const std::array<Row, 3> rows{{{"never", kAt<Never>},
                                 {"every1024-modulo", kAt<Modulo>},
                                 {"every1024-stripmined", kAt<Stripmined>}}};
  fmt::print("ns per element on PU {}, by the loop's offset in its 64-byte line\n{:<22}", pu, "");
  for (int k = 0; k < kPositions; ++k)
    fmt::print("{:>6}", 4 * k);
  fmt::print("{:>8}\n", "mean");
  for (const Row& row : rows) {
    double sum = 0;
    fmt::print("{:<22}", row.name);
    for (const Pass pass : row.at) {
      const double ns = ns_per_element(pass, data, live, passes);
      sum += ns;
      fmt::print("{:>6.3f}", ns);
    }
    fmt::print("{:>8.3f}\n", sum / kPositions);
  }
}
