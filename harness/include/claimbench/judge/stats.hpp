#pragma once
/// Robust statistics over repetitions: median, spread, and a distribution-free CI for the median.

#include <optional>
#include <vector>

namespace claimbench {

struct Interval {
  double lo = 0;
  double hi = 0;
};

double median(std::vector<double> values);

/// Robust relative spread: 1.4826 * MAD / |median| (equals the coefficient of variation for
/// normal data, but one outlier repetition cannot inflate it).
double relative_spread(const std::vector<double>& values);

/// Confidence interval for the median from order statistics (the sign test's inversion):
/// [x(k), x(n+1-k)] with the largest k whose binomial coverage is at least `confidence`.
/// Needs no distribution and no random numbers, so the same data always gives the same
/// interval. nullopt when n is too small to reach the confidence (n < 6 for 95%).
std::optional<Interval> median_interval(std::vector<double> values, double confidence);

/// The coverage of [x(k), x(n+1-k)]: P(k <= Binomial(n, 1/2) <= n - k).
double order_statistic_coverage(int n, int k);

}  // namespace claimbench
