#pragma once
/// When to look again at an undecided check, and how much error each look may spend.
///
/// The paired rounds are looked at several times (after the base rounds, then as further rounds
/// arrive), so one fixed 95% interval per look would let the chance of a wrong verdict grow with
/// every look. The plan spends a one-sided error budget α over the looks with the power-family
/// spending function α(t) = α·√t, t = rounds / max rounds (Kim & DeMets 1987; Jennison &
/// Turnbull, "Group Sequential Methods", ch. 7). Each look's sign-test interval for the median
/// uses what the function allows minus what earlier looks already spent, and since the sign test
/// is discrete, a look spends exactly P(Binomial(n, 1/2) < k), never more. By the union bound
/// the chance that any look wrongly clears a threshold on one side is at most α, whatever the
/// dependence between looks; no distribution is assumed beyond independent, identically
/// distributed pairs.

#include <optional>
#include <vector>

#include "claimbench/judge/stats.hpp"

namespace claimbench {

/// One look: after `rounds` pairs, the order statistic `k` bounds the median on each side.
struct Look {
  int rounds = 0;
  int k = 0;              ///< interval [x(k), x(n+1-k)]; 0 when this look cannot decide
  double spent = 0;       ///< one-sided error this look spends: P(Binomial(n, 1/2) < k)
  double cumulative = 0;  ///< one-sided error spent by this and every earlier look
  /// Two-sided coverage of this look's interval alone, for the "98.6% CI" text.
  double confidence() const { return 1.0 - 2.0 * spent; }
};

struct SequentialPlan {
  double alpha_side = 0.025;  ///< one-sided error over all looks (0.025 for a 95% design)
  std::vector<Look> looks;    ///< increasing rounds; the last is the round budget
  /// The look taken after `rounds` pairs, or nullptr when the plan does not look there.
  const Look* at(int rounds) const;
};

/// Looks at `base`, then about ×1.5 each time (rounded up), and at `max_rounds`; a look with
/// no error left to spend is left out. alpha_side is
/// the one-sided error of the whole plan: 0.025 for ratio and absolute checks (two-sided 95%),
/// 0.05 for equivalence (two one-sided 5% tests). Throws nothing; base < 1 or max < base gives
/// one look at max(base, 1).
SequentialPlan make_plan(int base, int max_rounds, double alpha_side);

/// The look's interval for the median of `values` (its size must be the look's rounds, or
/// fewer when some rounds failed: then the interval uses k for the count actually there, and
/// never more error than the look was allowed). nullopt when the look cannot decide.
std::optional<Interval> look_interval(const std::vector<double>& values, const Look& look);

/// P(X < k) for X ~ Binomial(n, 1/2): the one-sided error of the interval [x(k), x(n+1-k)].
double sign_test_tail(int n, int k);

}  // namespace claimbench
