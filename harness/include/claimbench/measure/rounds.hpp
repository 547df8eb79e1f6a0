#pragma once
/// Sequential ABBA rounds: which variants each round measures, and when to stop.
///
/// The base rounds measure every variant; after them a round measures only the variants that a
/// still-undecided check side needs, in the same ABBA order (forward, reverse, reverse,
/// forward by round number, over one fixed list of C++ and Go variants), so any two variants
/// measured in a round still alternate which runs first. Rounds continue towards the next look
/// of a side's plan only while the round budget and the extra-time budget can reach that look.
/// Kept free of benchmarks: the runner passes in how to measure and how to judge.

#include <cstddef>
#include <functional>
#include <vector>

namespace claimbench {

/// One side (C++ or Go) of one check, as the scheduler sees it.
struct SideTrack {
  std::vector<std::size_t> variants;  ///< indices into the run's variant list
  std::vector<int> looks;             ///< the rounds at which its plan looks, increasing
  bool decided = false;               ///< frozen: HOLDS, REFUTED or SKIPPED at a look
};

/// The variants round `round` (0-based) measures, in ABBA order: every variant in the base
/// rounds, afterwards only those an undecided side needs. `n` is the number of variants.
std::vector<std::size_t> round_order(std::size_t n, const std::vector<SideTrack>& sides, int round,
                                     int base);

struct RoundsBudget {
  int base = 8;         ///< rounds every variant runs
  int max_rounds = 32;  ///< no round beyond this
  /// The rounds after the base may take at most this fraction of the base rounds' time
  /// (0.25 after 8 base rounds: the time of 10 rounds of everything, today's fixed count).
  double extra_time = 1.0;
};

struct RoundsHooks {
  /// Measures one variant in one round.
  std::function<void(std::size_t variant, int round)> measure;
  /// Judges side `side` after `rounds` rounds (one of its looks); returns true once decided.
  std::function<bool(std::size_t side, int rounds)> look;
  /// True when the user asked to stop; may be empty.
  std::function<bool()> stop;
  /// Seconds since some fixed point (a steady clock); the tests pass a fake one.
  std::function<double()> now;
  /// Called before each round with its number (0-based) and how many variants it runs.
  std::function<void(int round, std::size_t variants)> progress;
};

struct RoundsOutcome {
  int rounds = 0;  ///< rounds run (all of them, base included)
  bool interrupted = false;
  double base_seconds = 0;   ///< the base rounds' time
  double extra_seconds = 0;  ///< the time of the rounds after them
};

/// Runs rounds until every side is decided or a budget ends. A side is looked at when the
/// round count reaches one of its looks; a decided side is never looked at again.
RoundsOutcome run_rounds(std::size_t n, std::vector<SideTrack>& sides, const RoundsBudget& budget,
                         const RoundsHooks& hooks);

}  // namespace claimbench
