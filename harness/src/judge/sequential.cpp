#include "claimbench/judge/sequential.hpp"

#include <algorithm>
#include <cmath>

namespace claimbench {

double sign_test_tail(int n, int k) {
  return (1.0 - order_statistic_coverage(n, k)) / 2.0;
}

namespace {

// The largest k whose one-sided error fits the allowance, 0 when even [min, max] does not.
int largest_k(int n, double allowance) {
  int best = 0;
  for (int k = 1; k <= n / 2; ++k) {
    if (sign_test_tail(n, k) <= allowance) best = k;
  }
  return best;
}

}  // namespace

const Look* SequentialPlan::at(int rounds) const {
  for (const auto& look : looks) {
    if (look.rounds == rounds) return &look;
  }
  return nullptr;
}

SequentialPlan make_plan(int base, int max_rounds, double alpha_side) {
  SequentialPlan plan;
  plan.alpha_side = alpha_side;
  base = std::max(base, 1);
  max_rounds = std::max(max_rounds, base);
  std::vector<int> rounds{base};
  while (rounds.back() < max_rounds) {
    const int next = static_cast<int>(std::ceil(rounds.back() * 1.5));
    rounds.push_back(std::min(std::max(next, rounds.back() + 1), max_rounds));
  }
  double spent = 0;
  for (int n : rounds) {
    const double t = static_cast<double>(n) / static_cast<double>(max_rounds);
    double allowed = alpha_side * std::sqrt(t);
    // The first look may always afford [min, max] when that costs at most 2/3 of the budget
    // (2^-n: 8 rounds need 0.0039, 6 need 0.0156), so a clear effect is decided after the base
    // rounds even when the round budget is large. Later looks pay for it: they start from what it
    // spent.
    if (plan.looks.empty())
      allowed = std::max(allowed, std::min(std::pow(0.5, n), alpha_side * 2 / 3));
    Look look;
    look.rounds = n;
    look.k = largest_k(n, allowed - spent);
    if (look.k == 0 && !plan.looks.empty()) continue;  // nothing left to spend here: no look
    look.spent = look.k > 0 ? sign_test_tail(n, look.k) : 0.0;
    spent += look.spent;
    look.cumulative = spent;
    plan.looks.push_back(look);
  }
  return plan;
}

std::optional<Interval> look_interval(const std::vector<double>& values, const Look& look) {
  const int n = static_cast<int>(values.size());
  if (look.k == 0 || n == 0) return std::nullopt;
  // With fewer values than planned (a failed round), keep the error at or below the look's.
  const int k = n >= look.rounds ? look.k : largest_k(n, look.spent);
  if (k == 0 || n < 2 * k - 1) return std::nullopt;
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  return Interval{sorted[static_cast<std::size_t>(k - 1)], sorted[static_cast<std::size_t>(n - k)]};
}

}  // namespace claimbench
