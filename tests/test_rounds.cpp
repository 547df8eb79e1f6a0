// Sequential rounds without benchmarks: which variants each round runs, looks that freeze a
// decided check, and the round and time budgets, on fake measurements and a fake clock.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "claimbench/judge/sequential.hpp"
#include "claimbench/judge/verdict.hpp"
#include "claimbench/measure/rounds.hpp"

using namespace claimbench;

namespace {

std::vector<int> look_rounds(int base, int max_rounds) {
  std::vector<int> out;
  for (const auto& look : make_plan(base, max_rounds, 0.025).looks)
    out.push_back(look.rounds);
  return out;
}

Check at_least_check(const std::string& id) {
  Check check;
  check.id = id;
  check.at_least = 1.5;
  check.refuted_below = 1.0;
  return check;
}

// Four variants: 0/1 are a clear 2x pair, 2/3 a ratio of 1.2 that sits between the bounds.
struct FakeRun {
  std::vector<std::vector<double>> values = std::vector<std::vector<double>>(4);
  std::map<std::size_t, int> runs;
  std::vector<std::vector<std::size_t>> orders;
  std::vector<CheckOutcome> outcomes = std::vector<CheckOutcome>(2);
  double clock = 0;
  SequentialPlan plan;
  Check clear = at_least_check("clear");
  Check borderline = at_least_check("borderline");

  double value(std::size_t v, int round) const {
    const double wobble = 1.0 + 0.01 * std::sin(round * 1.7 + static_cast<double>(v));
    const double base[] = {2.0, 1.0, 1.2, 1.0};
    return base[v] * wobble;
  }

  RoundsOutcome run(std::vector<SideTrack>& sides, const RoundsBudget& budget) {
    plan = make_plan(budget.base, budget.max_rounds, 0.025);
    RoundsHooks hooks;
    hooks.measure = [&](std::size_t v, int round) {
      if (orders.size() <= static_cast<std::size_t>(round)) orders.resize(round + 1);
      orders[static_cast<std::size_t>(round)].push_back(v);
      auto& column = values[v];
      column.resize(static_cast<std::size_t>(round + 1), std::nan(""));
      column[static_cast<std::size_t>(round)] = value(v, round);
      ++runs[v];
      clock += 1.0;  // every variant costs one second
    };
    hooks.look = [&](std::size_t s, int rounds) {
      const Look* look = plan.at(rounds);
      REQUIRE(look != nullptr);
      CheckSamples samples{values[2 * s], values[2 * s + 1]};
      outcomes[s] = judge(s == 0 ? clear : borderline, samples, 0.5, nullptr, *look);
      return outcomes[s].verdict == Verdict::holds || outcomes[s].verdict == Verdict::refuted;
    };
    hooks.now = [&] { return clock; };
    return run_rounds(4, sides, budget, hooks);
  }
};

std::vector<SideTrack> two_sides(int base, int max_rounds) {
  return {SideTrack{{0, 1}, look_rounds(base, max_rounds), false},
          SideTrack{{2, 3}, look_rounds(base, max_rounds), false}};
}

}  // namespace

TEST_CASE("round_order runs everything in the base, then only undecided sides, ABBA", "[rounds]") {
  std::vector<SideTrack> sides = {SideTrack{{0, 1}, {8}, true}, SideTrack{{3, 1}, {8}, false}};
  using V = std::vector<std::size_t>;
  CHECK(round_order(4, sides, 0, 8) == V{0, 1, 2, 3});
  CHECK(round_order(4, sides, 1, 8) == V{3, 2, 1, 0});
  CHECK(round_order(4, sides, 2, 8) == V{3, 2, 1, 0});
  CHECK(round_order(4, sides, 3, 8) == V{0, 1, 2, 3});
  // After the base: variant 1 is shared with the undecided side, so it still runs; 0 and 2 not.
  CHECK(round_order(4, sides, 8, 8) == V{1, 3});
  CHECK(round_order(4, sides, 9, 8) == V{3, 1});
  CHECK(round_order(4, sides, 10, 8) == V{3, 1});
  CHECK(round_order(4, sides, 11, 8) == V{1, 3});
  sides[1].decided = true;
  CHECK(round_order(4, sides, 8, 8).empty());
}

TEST_CASE("a clear check is decided at the first look; only the undecided one runs on",
          "[rounds]") {
  FakeRun fake;
  auto sides = two_sides(8, 32);
  const auto out = fake.run(sides, RoundsBudget{8, 32, 100.0});
  CHECK_FALSE(out.interrupted);
  CHECK(out.rounds == 32);
  CHECK(fake.runs[0] == 8);
  CHECK(fake.runs[1] == 8);
  CHECK(fake.runs[2] == 32);
  CHECK(fake.runs[3] == 32);
  CHECK(sides[0].decided);
  CHECK_FALSE(sides[1].decided);
  CHECK(fake.outcomes[0].verdict == Verdict::holds);
  CHECK(fake.outcomes[0].rounds == 8);
  CHECK(fake.outcomes[0].confidence > 0.99);  // [min, max] of 8 pairs: 1 - 2^-7
  CHECK_THAT(fake.outcomes[0].reason, Catch::Contains("CI") && Catch::Contains("at 8 rounds"));
  CHECK(fake.outcomes[1].verdict == Verdict::inconclusive);
  CHECK(fake.outcomes[1].undecided == "borderline");
  CHECK(fake.outcomes[1].rounds == 32);
  CHECK_THAT(fake.outcomes[1].reason,
             Catch::Contains("at 32 rounds") && Catch::Contains("borderline"));
  // The extra rounds keep ABBA among the two variants still running.
  REQUIRE(fake.orders.size() == 32);
  CHECK(fake.orders[8] == std::vector<std::size_t>{2, 3});
  CHECK(fake.orders[9] == std::vector<std::size_t>{3, 2});
}

TEST_CASE("the extra-time budget stops before a look it cannot reach", "[rounds]") {
  FakeRun fake;
  auto sides = two_sides(8, 32);
  // Base: 8 rounds x 4 variants x 1 s = 32 s; a quarter of it is 8 s: the 4 rounds x 2
  // variants to the look at 12 fit exactly, the 6 x 2 to the look at 18 do not.
  const auto out = fake.run(sides, RoundsBudget{8, 32, 0.25});
  CHECK(out.base_seconds == Approx(32));
  CHECK(out.rounds == 12);
  CHECK(out.extra_seconds == Approx(8));
  CHECK(fake.runs[2] == 12);
  CHECK(fake.outcomes[1].rounds == 12);
}

TEST_CASE("with no extra budget the base rounds are all there is", "[rounds]") {
  FakeRun fake;
  auto sides = two_sides(6, 6);
  const auto out = fake.run(sides, RoundsBudget{6, 6, 0.25});
  CHECK(out.rounds == 6);
  CHECK(fake.runs[2] == 6);
  CHECK(fake.outcomes[0].verdict == Verdict::holds);
}

TEST_CASE("a stop request ends the rounds at once", "[rounds]") {
  std::vector<SideTrack> sides = {SideTrack{{0, 1}, {8}, false}};
  int measured = 0;
  RoundsHooks hooks;
  hooks.measure = [&](std::size_t, int) { ++measured; };
  hooks.look = [](std::size_t, int) { return false; };
  hooks.stop = [&] { return measured == 3; };
  hooks.now = [] { return 0.0; };
  const auto out = run_rounds(2, sides, RoundsBudget{8, 32, 1.0}, hooks);
  CHECK(out.interrupted);
  CHECK(measured == 3);
  CHECK(out.rounds == 1);
}

TEST_CASE("an undecided verdict says whether it is borderline, noisy or too few", "[verdict]") {
  const Check check = at_least_check("c");
  const auto plan = make_plan(8, 32, 0.025);
  const Look& first = plan.looks.front();
  auto samples_for = [](double ratio, double jitter) {
    CheckSamples s;
    for (int i = 0; i < 8; ++i) {
      s.numerator.push_back(ratio * (1.0 + jitter * ((i % 2) ? 1 : -1) * (1 + i % 3)));
      s.denominator.push_back(1.0);
    }
    return s;
  };
  // Estimate 1.2 sits between refuted_below 1.0 and at_least 1.5: borderline.
  auto borderline = judge(check, samples_for(1.2, 0.01), 0.5, nullptr, first);
  CHECK(borderline.verdict == Verdict::inconclusive);
  CHECK(borderline.undecided == "borderline");
  // Estimate about 2 (clear of the band) but pairs that spread from 1.4 to 2.6: noisy.
  auto noisy = judge(check, samples_for(2.0, 0.1), 10.0, nullptr, first);
  CHECK(noisy.verdict == Verdict::inconclusive);
  CHECK(noisy.undecided == "noisy");
  CHECK_THAT(noisy.reason, Catch::Contains("noisy"));
  // Two pairs cannot make any interval.
  CheckSamples two{{2.0, 2.0}, {1.0, 1.0}};
  auto few = judge(check, two, 0.5, nullptr, first);
  CHECK(few.verdict == Verdict::inconclusive);
  CHECK(few.undecided == "too few");
  // A decided check carries no kind, and its look's confidence.
  auto clear = judge(check, samples_for(2.0, 0.01), 0.5, nullptr, first);
  CHECK(clear.verdict == Verdict::holds);
  CHECK(clear.undecided.empty());
  CHECK(clear.confidence == Approx(first.confidence()));
  CHECK(clear.rounds == 8);
}

TEST_CASE("a look sees only the rounds up to it", "[verdict]") {
  const Check check = at_least_check("c");
  const auto plan = make_plan(8, 32, 0.025);
  CheckSamples samples;
  for (int i = 0; i < 12; ++i) {
    samples.numerator.push_back(i < 8 ? 2.0 + 0.01 * i : 0.5);  // later rounds would refute
    samples.denominator.push_back(1.0);
  }
  auto at8 = judge(check, samples, 0.5, nullptr, plan.looks.front());
  CHECK(at8.pairs == 8);
  CHECK(at8.verdict == Verdict::holds);
}
