#include "claimbench/judge/verdict.hpp"

#include <fmt/format.h>

#include <cmath>

#include "claimbench/present/labels.hpp"

namespace claimbench {
namespace {

std::vector<double> paired_log_ratios(const CheckSamples& samples) {
  std::vector<double> out;
  const std::size_t n = std::min(samples.numerator.size(), samples.denominator.size());
  for (std::size_t i = 0; i < n; ++i) {
    const double a = samples.numerator[i];
    const double b = samples.denominator[i];
    if (std::isfinite(a) && std::isfinite(b) && a > 0 && b > 0) out.push_back(std::log(a / b));
  }
  return out;
}

std::vector<double> finite(const std::vector<double>& values) {
  std::vector<double> out;
  for (double v : values) {
    if (std::isfinite(v)) out.push_back(v);
  }
  return out;
}

// Applies the check's bounds to an interval; the same rule for ratios and absolute values.
Verdict decide(const Check& check, const Interval& ci) {
  if (check.kind == CheckKind::equivalent) {
    const double upper = 1.0 + *check.within;
    const double lower = 1.0 / upper;  // symmetric in log space: ±10% means [1/1.1, 1.1]
    if (ci.lo >= lower && ci.hi <= upper) return Verdict::holds;
    if (ci.lo > upper || ci.hi < lower) return Verdict::refuted;
    return Verdict::inconclusive;
  }
  if (check.at_least) {
    if (ci.lo >= *check.at_least) return Verdict::holds;
    if (ci.hi < check.refuted_below.value_or(*check.at_least)) return Verdict::refuted;
    return Verdict::inconclusive;
  }
  if (ci.hi <= *check.at_most) return Verdict::holds;
  if (ci.lo > check.refuted_above.value_or(*check.at_most)) return Verdict::refuted;
  return Verdict::inconclusive;
}

// The interval lies wholly in the band where neither bound is cleared: both its ends, taken as
// points, are undecided. Equivalence checks and checks whose two bounds coincide have no such
// band (every point is decided).
bool between_bounds(const Check& check, const Interval& ci) {
  return decide(check, Interval{ci.lo, ci.lo}) == Verdict::inconclusive &&
         decide(check, Interval{ci.hi, ci.hi}) == Verdict::inconclusive;
}

// Absolute checks obey the claim's noise limit as ratio checks do (issue 9). The robust spread
// (1.4826 × MAD) is taken relative to the larger of the median and the bound the verdict is
// decided against: for a count that hovers near zero (allocs or CAS failures per op, bound 0.5)
// the median alone would make any scatter look infinite, while what can move the verdict is
// scatter that is large next to the bound. NaN when there are fewer than two values.
double absolute_spread(const Check& check, const std::vector<double>& values) {
  if (values.size() < 2) return std::nan("");
  const double center = median(values);
  std::vector<double> deviations;
  for (double v : values)
    deviations.push_back(std::abs(v - center));
  const double mad = 1.4826 * median(deviations);
  const double scale =
      std::max(std::abs(center), std::abs(check.at_least.value_or(check.at_most.value_or(0))));
  if (scale == 0) return mad == 0 ? 0.0 : INFINITY;
  return mad / scale;
}

// INCONCLUSIVE, but why: a point interval at the estimate would still be undecided exactly when
// the estimate sits in the band between the refute and the holds bound (borderline); otherwise
// the interval is merely too wide (noisy).
std::string undecided_kind(const Check& check, double estimate) {
  if (!std::isfinite(estimate)) return "too few";
  return decide(check, Interval{estimate, estimate}) == Verdict::inconclusive ? "borderline"
                                                                              : "noisy";
}

std::string undecided_text(const std::string& kind) {
  if (kind == "borderline") return "; borderline: the estimate lies between the bounds";
  if (kind == "noisy") return "; noisy: the estimate is clear of the bounds, the interval is not";
  if (kind == "too few") return "; too few pairs to judge";
  return "";
}

// The shared body of both judges: `interval` gives the CI for the values (logs for ratios).
CheckOutcome judge_with(const Check& check, const CheckSamples& samples, double noise_limit,
                        const MechanismSamples* mechanism, double confidence, const Look* look) {
  CheckOutcome out;
  out.check_id = check.id;
  out.confidence = confidence;
  const bool absolute = check.kind == CheckKind::absolute;

  std::vector<double> values = absolute ? finite(samples.numerator) : paired_log_ratios(samples);
  out.pairs = static_cast<int>(values.size());
  out.rounds =
      look != nullptr
          ? look->rounds
          : static_cast<int>(std::max(samples.numerator.size(), samples.denominator.size()));
  const auto ci =
      look != nullptr ? look_interval(values, *look) : median_interval(values, out.confidence);
  out.estimate = absolute ? median(values) : std::exp(median(values));
  if (ci) out.ci = absolute ? *ci : Interval{std::exp(ci->lo), std::exp(ci->hi)};
  out.futile = out.ci && between_bounds(check, *out.ci);
  if (!absolute) {
    out.spread_numerator = relative_spread(finite(samples.numerator));
    out.spread_denominator = relative_spread(finite(samples.denominator));
  }
  const std::string bounds = threshold_text(check.kind, thresholds_of(check));
  // A look's confidence is odd (98.6%), so it keeps a decimal; the fixed ones do not need it.
  const std::string level = look != nullptr ? fmt::format("{:.1f}%", out.confidence * 100)
                                            : fmt::format("{:.0f}%", out.confidence * 100);
  const std::string at = look != nullptr ? fmt::format(" at {} rounds", look->rounds) : "";

  if (!out.ci) {
    out.verdict = Verdict::inconclusive;
    out.undecided = "too few";
    out.reason = look != nullptr
                     ? fmt::format("only {} usable {}{}; too few for a {} interval", out.pairs,
                                   absolute ? "repetitions" : "pairs", at, level)
                     : fmt::format("only {} usable {}; a {} interval needs at least {}", out.pairs,
                                   absolute ? "repetitions" : "pairs", level, kMinPairs);
    return out;
  }
  out.verdict = decide(check, *out.ci);
  const std::string measured = fmt::format(
      "{} {:.3g}{} ({} CI {:.3g}–{:.3g}{}; {})", absolute ? check.metric : std::string("ratio"),
      out.estimate, absolute ? "" : "×", level, out.ci->lo, out.ci->hi, at, bounds);
  const double worst_spread = std::max(out.spread_numerator, out.spread_denominator);
  if (!absolute && worst_spread > noise_limit) {
    out.verdict = Verdict::inconclusive;
    out.undecided = "noisy";
    out.reason = fmt::format("{}; too noisy to decide: a side's spread is {:.0f}% (limit {:.0f}%)",
                             measured, worst_spread * 100, noise_limit * 100);
    return out;
  }
  if (absolute) {
    out.spread_numerator = absolute_spread(check, values);
    if (out.spread_numerator > noise_limit) {
      out.verdict = Verdict::inconclusive;
      out.undecided = "noisy";
      out.reason = fmt::format(
          "{}; too noisy to decide: the values spread {:.0f}% of the larger of median and bound "
          "(limit {:.0f}%)",
          measured, out.spread_numerator * 100, noise_limit * 100);
      return out;
    }
  }
  out.reason = measured;
  if (out.verdict == Verdict::inconclusive) {
    out.undecided = undecided_kind(check, out.estimate);
    out.reason += "; the interval straddles a threshold" + undecided_text(out.undecided);
  }

  if (mechanism != nullptr && !check.mechanism.empty()) {
    if (!mechanism->available) {
      out.reason += fmt::format("; rests on time alone ({} not countable here)", check.mechanism);
    } else {
      const auto logs = paired_log_ratios(mechanism->samples);
      if (!logs.empty()) {
        out.mechanism_ratio = std::exp(median(logs));
        // The counter must move the way time does: more events per op on the slower side.
        const bool time_up = out.estimate > 1.0;
        const bool counter_up = *out.mechanism_ratio > 1.0;
        out.reason += fmt::format("; {} ratio {:.3g}×", check.mechanism, *out.mechanism_ratio);
        if (out.verdict == Verdict::holds && time_up != counter_up) {
          out.verdict = Verdict::inconclusive;
          out.undecided = "mechanism";
          out.reason += fmt::format(", which disagrees with the time ratio");
        }
      }
    }
  }
  return out;
}

}  // namespace

double plan_alpha_side(const Check& check) {
  return check.kind == CheckKind::equivalent ? 0.05 : 0.025;
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::holds:
      return "HOLDS";
    case Verdict::refuted:
      return "REFUTED";
    case Verdict::inconclusive:
      return "INCONCLUSIVE";
    case Verdict::skipped:
      return "SKIPPED";
  }
  return "?";
}

CheckOutcome skipped(const Check& check, std::string reason) {
  CheckOutcome out;
  out.check_id = check.id;
  out.verdict = Verdict::skipped;
  out.estimate = std::nan("");
  out.reason = std::move(reason);
  return out;
}

CheckOutcome judge(const Check& check, const CheckSamples& samples, double noise_limit,
                   const MechanismSamples* mechanism) {
  return judge_with(check, samples, noise_limit, mechanism,
                    check.kind == CheckKind::equivalent ? 0.90 : 0.95, nullptr);
}

CheckOutcome judge(const Check& check, const CheckSamples& samples, double noise_limit,
                   const MechanismSamples* mechanism, const Look& look) {
  // Only the rounds up to the look count, so a later call sees exactly what the look saw.
  CheckSamples seen = samples;
  const auto cut = static_cast<std::size_t>(std::max(look.rounds, 0));
  if (seen.numerator.size() > cut) seen.numerator.resize(cut);
  if (seen.denominator.size() > cut) seen.denominator.resize(cut);
  MechanismSamples counted;
  if (mechanism != nullptr) {
    counted = *mechanism;
    if (counted.samples.numerator.size() > cut) counted.samples.numerator.resize(cut);
    if (counted.samples.denominator.size() > cut) counted.samples.denominator.resize(cut);
  }
  return judge_with(check, seen, noise_limit, mechanism != nullptr ? &counted : nullptr,
                    look.confidence(), &look);
}

}  // namespace claimbench
