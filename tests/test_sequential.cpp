#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <random>

#include "claimbench/judge/sequential.hpp"
#include "claimbench/judge/stats.hpp"
#include "claimbench/judge/verdict.hpp"

using namespace claimbench;

TEST_CASE("a plan spends at most its error budget, and every look can decide", "[sequential]") {
  for (auto [base, max] : {std::pair{8, 32}, {6, 12}, {10, 10}, {6, 40}}) {
    const auto plan = make_plan(base, max, 0.025);
    REQUIRE(plan.looks.front().rounds == base);
    REQUIRE(plan.looks.back().rounds <= max);
    double previous = 0;
    int previous_rounds = 0;
    for (const auto& look : plan.looks) {
      CHECK(look.rounds > previous_rounds);
      CHECK(look.k >= 1);  // a look that could never decide would waste its rounds
      CHECK(look.cumulative >= previous);
      CHECK(look.cumulative <= 0.025 + 1e-12);
      CHECK(look.spent == Approx(sign_test_tail(look.rounds, look.k)));
      previous = look.cumulative;
      previous_rounds = look.rounds;
    }
  }
}

TEST_CASE("the default plan's looks, as the notes' method section states them", "[sequential]") {
  const auto plan = make_plan(8, 32, 0.025);
  std::vector<int> rounds, ks;
  for (const auto& look : plan.looks) {
    rounds.push_back(look.rounds);
    ks.push_back(look.k);
  }
  CHECK(rounds == std::vector<int>{8, 12, 18, 27, 32});
  // At 8 rounds only [min, max] fits: 2^-8 = 0.0039 of the 0.0125 that α·√(1/4) allows.
  CHECK(ks.front() == 1);
  CHECK(plan.looks.front().spent == Approx(1.0 / 256));
}

TEST_CASE("fewer values than planned never spend more than the look", "[sequential]") {
  const auto plan = make_plan(8, 32, 0.025);
  const Look& look = plan.looks[2];  // 18 rounds
  std::vector<double> values(look.rounds - 3);
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<double>(i);
  const auto ci = look_interval(values, look);
  REQUIRE(ci);
  const int k = static_cast<int>(ci->lo) + 1;  // values are 0..n-1, so x(k) = k - 1
  CHECK(sign_test_tail(static_cast<int>(values.size()), k) <= look.spent);
  CHECK_FALSE(look_interval({}, look));
}

namespace {

// One simulated sequential run: pairs' log-ratios drawn from `draw`, looked at per the plan;
// returns the index of the look that wrongly cleared `threshold` from above, or -1.
template <class Draw>
int first_wrong_holds(const SequentialPlan& plan, double threshold, Draw&& draw) {
  std::vector<double> values;
  for (std::size_t j = 0; j < plan.looks.size(); ++j) {
    while (static_cast<int>(values.size()) < plan.looks[j].rounds)
      values.push_back(draw());
    const auto ci = look_interval(values, plan.looks[j]);
    if (ci && ci->lo >= threshold) return static_cast<int>(j);
  }
  return -1;
}

}  // namespace

TEST_CASE("a true ratio exactly on the threshold is wrongly called at most α at every look",
          "[sequential]") {
  // Log-ratios whose median is exactly log(1.5): normal, heavy-tailed (Student t, 2 degrees of
  // freedom) and skewed (a shifted exponential with its median at the threshold). 4000 runs
  // each: the Monte Carlo standard error of a 2.5% rate is 0.25%, so 3 of them is the slack.
  const double threshold = std::log(1.5);
  const auto plan = make_plan(8, 32, 0.025);
  std::mt19937_64 rng(20261126);
  std::normal_distribution<double> normal(threshold, 0.2);
  std::student_t_distribution<double> student(2.0);
  std::exponential_distribution<double> exponential(1.0);
  const std::vector<std::function<double()>> shapes{
      [&] { return normal(rng); },
      [&] { return threshold + 0.1 * student(rng); },
      [&] { return threshold + 0.1 * (exponential(rng) - std::log(2.0)); },
  };
  const int runs = 4000;
  for (const auto& draw : shapes) {
    std::vector<int> wrong_at(plan.looks.size(), 0);
    for (int r = 0; r < runs; ++r) {
      const int j = first_wrong_holds(plan, threshold, draw);
      if (j >= 0) ++wrong_at[static_cast<std::size_t>(j)];
    }
    int cumulative = 0;
    for (std::size_t j = 0; j < plan.looks.size(); ++j) {
      cumulative += wrong_at[j];
      const double rate = static_cast<double>(cumulative) / runs;
      INFO("look " << j << " (" << plan.looks[j].rounds << " rounds): rate " << rate);
      CHECK(rate <= 0.025 + 3 * 0.0025);
    }
  }
}

TEST_CASE("looking after every round at a fixed 95% would not keep the error", "[sequential]") {
  // The reason for the plan: the same data, judged with today's fixed 95% interval at each of
  // the same looks, clears the threshold wrongly more often than 2.5%.
  const double threshold = 0.0;
  const auto plan = make_plan(8, 32, 0.025);
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(threshold, 1.0);
  int naive_wrong = 0;
  const int runs = 4000;
  for (int r = 0; r < runs; ++r) {
    std::vector<double> values;
    for (const auto& look : plan.looks) {
      while (static_cast<int>(values.size()) < look.rounds)
        values.push_back(normal(rng));
      const auto ci = median_interval(values, 0.95);
      if (ci && ci->lo >= threshold) {
        ++naive_wrong;
        break;
      }
    }
  }
  CHECK(static_cast<double>(naive_wrong) / runs > 0.025 + 3 * 0.0025);
}

TEST_CASE("a clear effect is decided at the first look, before today's ten rounds",
          "[sequential]") {
  // Ratio 2× against a 1.5× threshold with 10% noise per pair: every pair clears it.
  const auto plan = make_plan(8, 32, 0.025);
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal(std::log(2.0), 0.1);
  int decided_first = 0;
  for (int r = 0; r < 200; ++r) {
    std::vector<double> values;
    for (int i = 0; i < plan.looks.front().rounds; ++i)
      values.push_back(normal(rng));
    const auto ci = look_interval(values, plan.looks.front());
    if (ci && ci->lo >= std::log(1.5)) ++decided_first;
  }
  CHECK(plan.looks.front().rounds < 10);
  CHECK(decided_first >= 190);
}

TEST_CASE("a side whose interval lies between the bounds stops, and adds no wrong call",
          "[sequential]") {
  // Check: holds at >= 1.5, refuted below 1.1 (local-run-queues' bounds). Pairs' log-ratios
  // normal with a 15% spread, judged through judge() at each look as the runner does; a side
  // stops at its first HOLDS/REFUTED or at its first futile look.
  Check check;
  check.id = "band";
  check.at_least = 1.5;
  check.refuted_below = 1.1;
  const auto plan = make_plan(8, 32, 0.025);
  const auto run = [&](double true_ratio, std::mt19937_64& rng) {
    std::normal_distribution<double> normal(std::log(true_ratio), 0.15);
    CheckSamples samples;
    for (const auto& look : plan.looks) {
      while (static_cast<int>(samples.numerator.size()) < look.rounds) {
        samples.numerator.push_back(std::exp(normal(rng)));
        samples.denominator.push_back(1.0);
      }
      auto outcome = judge(check, samples, 10.0, nullptr, look);
      if (outcome.verdict != Verdict::inconclusive || outcome.futile) return outcome;
    }
    return judge(check, samples, 10.0, nullptr, plan.looks.back());
  };
  std::mt19937_64 rng(20261127);
  // In the middle of the band (1.28): most runs stop before the 32-round budget, INCONCLUSIVE.
  int early = 0;
  int decided = 0;
  for (int r = 0; r < 500; ++r) {
    const auto outcome = run(1.28, rng);
    if (outcome.rounds < 32) ++early;
    if (outcome.verdict != Verdict::inconclusive) ++decided;
    if (outcome.futile) CHECK(outcome.undecided == "borderline");
  }
  CHECK(early >= 400);
  CHECK(decided <= 25);  // a wrong call is at most the plan's 2.5% per side (+ slack)
  // Exactly on the holds bound: stopping for futility never adds a wrong HOLDS, so the rate
  // stays within the plan's 2.5% (Monte Carlo slack 3 standard errors).
  int wrong = 0;
  const int runs = 2000;
  for (int r = 0; r < runs; ++r) {
    if (run(1.5, rng).verdict == Verdict::holds) ++wrong;
  }
  CHECK(static_cast<double>(wrong) / runs <= 0.025 + 3 * 0.0035);
  // Never for equivalence checks, and not when the interval reaches a bound.
  Check within;
  within.id = "eq";
  within.kind = CheckKind::equivalent;
  within.within = 0.1;
  CheckSamples near_one;
  for (int i = 0; i < 8; ++i) {
    near_one.numerator.push_back(1.09 + 0.01 * (i % 3));
    near_one.denominator.push_back(1.0);
  }
  CHECK_FALSE(judge(within, near_one, 10.0, nullptr, plan.looks.front()).futile);
  CheckSamples wide;
  for (int i = 0; i < 8; ++i) {
    wide.numerator.push_back(i % 2 != 0 ? 1.0 : 1.6);
    wide.denominator.push_back(1.0);
  }
  CHECK_FALSE(judge(check, wide, 10.0, nullptr, plan.looks.front()).futile);
}
