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
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <numeric>
#include <optional>
#include <string_view>
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
    volatile std::int64_t sink = 0;  // keeps every pass's sum alive
    const auto start = std::chrono::steady_clock::now();
    for (int p = 0; p < passes; ++p) {
      data[static_cast<std::size_t>(p) & (data.size() - 1)] += 1;  // no sum is invariant
      sink = sink + pass(data.data(), live);
    }
    const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count() / passes / static_cast<double>(kElements));
  }
  return best;
}

// A whole decimal argument in [lo, hi], or nullopt (a sign, a suffix or an overflow is an error).
std::optional<int> parse_int(std::string_view text, int lo, int hi) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < lo || value > hi)
    return std::nullopt;
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  constexpr std::string_view kUsage = "usage: go_loop_positions [PU] [passes]";
  if (!kHaveGoLoops) {
    fmt::print(stderr, "go_loop_positions: Go's loops are transcribed for x86-64 only\n");
    return 2;
  }
  if (argc > 3) {
    fmt::print(stderr, "go_loop_positions: too many arguments\n{}\n", kUsage);
    return 2;
  }
  const auto pu = argc > 1 ? parse_int(argv[1], 0, CPU_SETSIZE - 1) : std::optional<int>{0};
  if (!pu) {
    fmt::print(stderr, "go_loop_positions: PU '{}' is not a PU number (0-{})\n{}\n", argv[1],
               CPU_SETSIZE - 1, kUsage);
    return 2;
  }
  const auto passes = argc > 2 ? parse_int(argv[2], 1, 1'000'000) : std::optional<int>{200};
  if (!passes) {
    fmt::print(stderr, "go_loop_positions: passes '{}' is not a count from 1 to 1000000\n{}\n",
               argv[2], kUsage);
    return 2;
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(*pu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) {
    fmt::print(stderr, "go_loop_positions: cannot pin to PU {}: not a PU this process may use\n",
               *pu);
    return 2;
  }
  std::vector<std::int64_t> data(kElements);
  std::iota(data.begin(), data.end(), std::int64_t{1});
  const CancelFlag live;
  const std::array<Row, 3> rows{{{"never", kAt<Never>},
                                 {"every1024-modulo", kAt<Modulo>},
                                 {"every1024-stripmined", kAt<Stripmined>}}};
  fmt::print("ns per element on PU {}, by the loop's offset in its 64-byte line\n{:<22}", *pu, "");
  for (int k = 0; k < kPositions; ++k)
    fmt::print("{:>6}", 4 * k);
  fmt::print("{:>8}\n", "mean");
  for (const Row& row : rows) {
    double sum = 0;
    fmt::print("{:<22}", row.name);
    for (const Pass pass : row.at) {
      const double ns = ns_per_element(pass, data, live, *passes);
      sum += ns;
      fmt::print("{:>6.3f}", ns);
    }
    fmt::print("{:>8.3f}\n", sum / kPositions);
  }
}
