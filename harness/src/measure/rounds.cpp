// The sequential round loop: ABBA order over the still-needed variants, looks, budgets.
#include "claimbench/measure/rounds.hpp"

#include <algorithm>
#include <map>

namespace claimbench {
namespace {

bool at_look(const SideTrack& side, int rounds) {
  return std::find(side.looks.begin(), side.looks.end(), rounds) != side.looks.end();
}

// The soonest look after `rounds` of any undecided side, or 0 when none is left.
int next_look(const std::vector<SideTrack>& sides, int rounds, int max_rounds) {
  int best = 0;
  for (const auto& side : sides) {
    if (side.decided) continue;
    for (int look : side.looks) {
      if (look > rounds && look <= max_rounds && (best == 0 || look < best)) best = look;
    }
  }
  return best;
}

}  // namespace

std::vector<std::size_t> round_order(std::size_t n, const std::vector<SideTrack>& sides, int round,
                                     int base) {
  std::vector<bool> wanted(n, round < base);
  if (round >= base) {
    for (const auto& side : sides) {
      if (side.decided) continue;
      for (auto v : side.variants) {
        if (v < n) wanted[v] = true;
      }
    }
  }
  // ABBA over rounds (forward, reverse, reverse, forward): any two variants alternate which
  // runs first, so a linear drift of the machine hits both sides of a pair equally.
  const bool forward = round % 4 == 0 || round % 4 == 3;
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t v = forward ? k : n - 1 - k;
    if (wanted[v]) out.push_back(v);
  }
  return out;
}

RoundsOutcome run_rounds(std::size_t n, std::vector<SideTrack>& sides, const RoundsBudget& budget,
                         const RoundsHooks& hooks) {
  RoundsOutcome out;
  const auto stopped = [&] { return hooks.stop && hooks.stop(); };
  const double started = hooks.now();
  std::map<std::size_t, double> last_cost;  // seconds of each variant's latest run
  int round = 0;
  while (round < budget.max_rounds) {
    if (round >= budget.base) {
      // Past the base: go on only towards a look some undecided side takes, and only when the
      // rounds to reach it fit what is left of the extra time (estimated from each variant's
      // latest run), since rounds that stop short of a look decide nothing.
      const int target = next_look(sides, round, budget.max_rounds);
      if (target == 0) break;
      double estimate = 0;
      for (int r = round; r < target; ++r) {
        for (auto v : round_order(n, sides, r, budget.base))
          estimate += last_cost[v];
      }
      if (out.extra_seconds + estimate > budget.extra_time * out.base_seconds) break;
    }
    const auto order = round_order(n, sides, round, budget.base);
    if (order.empty()) break;
    if (hooks.progress) hooks.progress(round, order.size());
    for (auto v : order) {
      if (stopped()) {
        out.interrupted = true;
        break;
      }
      const double before = hooks.now();
      hooks.measure(v, round);
      last_cost[v] = hooks.now() - before;
    }
    if (out.interrupted) break;
    ++round;
    out.rounds = round;
    if (round <= budget.base)
      out.base_seconds = hooks.now() - started;
    else
      out.extra_seconds = hooks.now() - started - out.base_seconds;
    for (std::size_t s = 0; s < sides.size(); ++s) {
      if (!sides[s].decided && at_look(sides[s], round)) sides[s].decided = hooks.look(s, round);
    }
    if (round >= budget.base &&
        std::all_of(sides.begin(), sides.end(), [](const SideTrack& s) { return s.decided; })) {
      break;
    }
  }
  return out;
}

}  // namespace claimbench
