#pragma once
/// Judges one check from per-round samples: HOLDS, REFUTED, INCONCLUSIVE or SKIPPED, with why.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "claimbench/catalog/claims.hpp"
#include "claimbench/judge/sequential.hpp"
#include "claimbench/judge/stats.hpp"

namespace claimbench {

enum class Verdict { holds, refuted, inconclusive, skipped };

std::string_view to_string(Verdict verdict);

/// Samples of one check: index i holds round i. For ratio and equivalence checks numerator[i]
/// and denominator[i] ran next to each other (ABBA order), so their ratio cancels drift that
/// both sides saw. NaN marks a round where a side did not run.
struct CheckSamples {
  std::vector<double> numerator;
  std::vector<double> denominator;
};

/// The mechanism counter of a check, per round for both sides, when it could be counted.
struct MechanismSamples {
  bool available = false;
  CheckSamples samples;
};

struct CheckOutcome {
  std::string check_id;
  Verdict verdict = Verdict::inconclusive;
  double estimate = 0;  ///< median paired ratio, or the median value (absolute checks)
  std::optional<Interval> ci;
  double confidence = 0.95;  ///< 0.90 for equivalence (two one-sided 5% tests)
  int pairs = 0;
  double spread_numerator = 0;
  double spread_denominator = 0;
  std::optional<double> mechanism_ratio;
  std::string reason;  ///< why this verdict, in one sentence with the numbers
  int rounds = 0;      ///< rounds measured at the look that gave this verdict
  /// For INCONCLUSIVE, why: "borderline" (the estimate itself lies between the refute and the
  /// holds bound, so no amount of data would settle it), "noisy" (the estimate is clear of the
  /// band but the interval, or a side's spread, is too wide), "too few" (not enough pairs for
  /// an interval), or "mechanism" (the counter moved against the time ratio). Else empty.
  std::string undecided;
  /// The whole interval lies in the band between the refute and the holds bound (never for
  /// equivalence checks, which have no such band): later looks, whose intervals shrink around
  /// an estimate inside the band, would not decide it, so the runner stops measuring the side.
  /// Stopping can only turn a later decision into INCONCLUSIVE, never add a wrong one.
  bool futile = false;
};

/// Smallest number of pairs that can reach a 95% interval for a median.
inline constexpr int kMinPairs = 6;

/// Judges with today's fixed interval: 95% (90% for equivalence) over all the pairs.
CheckOutcome judge(const Check& check, const CheckSamples& samples, double noise_limit,
                   const MechanismSamples* mechanism = nullptr);

/// Judges at one look of a sequential plan (judge/sequential.hpp): the look's sign-test
/// interval and confidence instead of the fixed one, over the pairs of the first look.rounds
/// rounds; the noise and mechanism rules are the same. The reason names the look ("98.6% CI
/// ... at 12 rounds").
CheckOutcome judge(const Check& check, const CheckSamples& samples, double noise_limit,
                   const MechanismSamples* mechanism, const Look& look);

/// The one-sided error a check's sequential plan spends: 0.05 for equivalence (two one-sided
/// 5% tests, as the fixed 90% interval), 0.025 otherwise (as the fixed two-sided 95%).
double plan_alpha_side(const Check& check);

CheckOutcome skipped(const Check& check, std::string reason);

}  // namespace claimbench
