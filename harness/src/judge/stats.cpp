#include "claimbench/judge/stats.hpp"

#include <algorithm>
#include <cmath>

namespace claimbench {

double median(std::vector<double> values) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double relative_spread(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  const double center = median(values);
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double v : values)
    deviations.push_back(std::abs(v - center));
  const double mad = median(deviations);
  if (center == 0.0) return mad == 0.0 ? 0.0 : INFINITY;
  return 1.4826 * mad / std::abs(center);
}

double order_statistic_coverage(int n, int k) {
  // P(X < k) for X ~ Binomial(n, 1/2); coverage = 1 - 2 P(X < k).
  double below = 0.0;
  double term = std::pow(0.5, n);  // P(X = 0)
  for (int i = 0; i < k; ++i) {
    below += term;
    term *= static_cast<double>(n - i) / static_cast<double>(i + 1);
  }
  return 1.0 - 2.0 * below;
}

std::optional<Interval> median_interval(std::vector<double> values, double confidence) {
  const int n = static_cast<int>(values.size());
  int best = 0;
  for (int k = 1; k <= n / 2; ++k) {
    if (order_statistic_coverage(n, k) >= confidence) best = k;
  }
  if (best == 0) return std::nullopt;
  std::sort(values.begin(), values.end());
  return Interval{values[static_cast<std::size_t>(best - 1)],
                  values[static_cast<std::size_t>(n - best)]};
}

}  // namespace claimbench
