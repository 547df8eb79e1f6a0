// The notes' method section: how a verdict is reached, with the looks of the default plan.
#include <fmt/format.h>

#include "claimbench/judge/sequential.hpp"
#include "note_pages.hpp"

namespace claimbench::notes {

std::string method_section() {
  // The default plan of `bench run` (8 base rounds, at most 32), computed rather than copied so
  // the text cannot drift from the code.
  const SequentialPlan plan = make_plan(8, 32, 0.025);
  std::string looks;
  for (const auto& look : plan.looks) {
    looks += fmt::format("{}{} rounds ({:.1f}% interval)", looks.empty() ? "" : ", ", look.rounds,
                         look.confidence() * 100);
  }
  return fmt::format(
      "\n## Method\n\n"
      "**Paired rounds.** Every variant of a claim runs once per round, pinned to the same PUs, "
      "in ABBA order over rounds (forward, reverse, reverse, forward), so a drift of the machine "
      "hits both sides of a comparison alike. A check's data are its per-round ratios "
      "(numerator / denominator of the same round); its estimate is their median.\n\n"
      "**Intervals and verdicts.** The interval for the median is a sign-test (order-statistic) "
      "interval, which assumes nothing about the distribution. HOLDS when it clears the claim's "
      "bound, REFUTED when it clears the refute bound on the other side, INCONCLUSIVE otherwise; "
      "equivalence checks use two one-sided tests inside ±margin. Thresholds are fixed in the "
      "claim file before measuring. An INCONCLUSIVE says which kind it is: *borderline* (the "
      "estimate itself lies between the bounds: more rounds would not settle it) or *noisy* "
      "(the estimate is clear of the bounds, the interval is not). A side whose robust spread "
      "exceeds the claim's noise limit is too noisy to judge.\n\n"
      "**Sequential rounds.** After the base rounds a check that is still undecided gets further "
      "rounds of its own variants only. The looks are at {} (the first is the base rounds'). "
      "Repeated looks would "
      "inflate the error of a fixed 95% interval, so the design spends a one-sided error of "
      "2.5% per side over the looks with the power-family function α·√t, t = rounds / 32 "
      "(Kim & DeMets 1987; Jennison & Turnbull, *Group Sequential Methods*, ch. 7): each look's "
      "interval uses only what is left of the budget. By the union bound the chance that any "
      "look wrongly clears a threshold stays at most 2.5% per side, whatever the dependence "
      "between looks (equivalence: 5% per one-sided test). A simulation in the tests checks "
      "it: with the true ratio exactly on a threshold the rate of wrong HOLDS or REFUTED stays "
      "at or below that level at every look, and a clear effect is decided at the first. The "
      "extra rounds stop when every check is decided, at 32 rounds, or when they would exceed "
      "the extra-time budget (by default as long again as the base rounds took, per claim: "
      "`--extra-time 1`, chosen with `scripts/sequential-budget`, which replays a result's "
      "rounds under several budgets). A side also stops at a look where its whole interval lies "
      "between the refute and the holds bound (futility): later intervals narrow around an "
      "estimate inside that band, so it stays INCONCLUSIVE (borderline) and the time goes to "
      "sides that can still be decided; stopping early can only turn a later decision into "
      "INCONCLUSIVE, never add a wrong one (a simulation in the tests checks both). "
      "`--quick` runs 6 base rounds and at most 12.\n\n"
      "**Go twins.** A check's Go twins run in the same rounds, each round as its own process "
      "pinned to the same PUs with GOMAXPROCS equal to the C++ side's threads, and are judged "
      "by the same rules. Every round lets `go test` find b.N with its own ramp, as a Go user's "
      "run does: a fixed b.N (`-test.benchtime Nx`) was tried and dropped, since a process that "
      "starts measuring at once counts its start-up too (the oversubscription twin's context "
      "switches per op rose 10x at one thread per PU, and its verdict flipped).\n",
      looks);
}

}  // namespace claimbench::notes
