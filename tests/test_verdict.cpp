// Verdict logic on synthetic runs: every outcome is reachable, and pairing cancels drift.
#include <catch2/catch.hpp>
#include <cmath>

#include "claimbench/judge/verdict.hpp"

using namespace claimbench;

namespace {

Check ratio_at_least(double at_least, double refuted_below) {
  Check check;
  check.id = "c";
  check.kind = CheckKind::ratio;
  check.numerator = "a";
  check.denominator = "b";
  check.at_least = at_least;
  check.refuted_below = refuted_below;
  return check;
}

// Ten rounds of a side: base * factor, with a deterministic ±`jitter` wiggle.
std::vector<double> side(double base, double jitter, int rounds = 10, double drift = 0.0) {
  std::vector<double> out;
  for (int i = 0; i < rounds; ++i) {
    const double wiggle = 1.0 + jitter * std::sin(1.7 * i + base);
    out.push_back(base * wiggle * (1.0 + drift * i / (rounds - 1)));
  }
  return out;
}

}  // namespace

TEST_CASE("a clear ratio above the threshold HOLDS", "[verdict]") {
  const auto out = judge(ratio_at_least(1.5, 1.1), {side(30, 0.02), side(10, 0.02)}, 0.5);
  CHECK(out.verdict == Verdict::holds);
  CHECK(out.estimate == Approx(3).epsilon(0.05));
  REQUIRE(out.ci.has_value());
  CHECK(out.ci->lo >= 1.5);
  CHECK(out.pairs == 10);
}

TEST_CASE("a ratio below the refute threshold is REFUTED", "[verdict]") {
  const auto out = judge(ratio_at_least(1.5, 1.1), {side(10.2, 0.01), side(10, 0.01)}, 0.5);
  CHECK(out.verdict == Verdict::refuted);
  CHECK(out.ci->hi < 1.1);
}

TEST_CASE("a ratio between the thresholds is INCONCLUSIVE", "[verdict]") {
  const auto out = judge(ratio_at_least(1.5, 1.1), {side(13, 0.01), side(10, 0.01)}, 0.5);
  CHECK(out.verdict == Verdict::inconclusive);
  CHECK_THAT(out.reason, Catch::Contains("straddles"));
}

TEST_CASE("noisy data is INCONCLUSIVE even when the median looks decisive", "[verdict]") {
  // Median ratio ~3, but the numerator's repetitions scatter by ±80%.
  const auto out = judge(ratio_at_least(1.5, 1.1), {side(30, 0.8), side(10, 0.01)}, 0.5);
  CHECK(out.verdict == Verdict::inconclusive);
  CHECK_THAT(out.reason, Catch::Contains("too noisy"));
}

TEST_CASE("too few pairs for a 95% interval is INCONCLUSIVE", "[verdict]") {
  const auto out = judge(ratio_at_least(1.5, 1.1), {side(30, 0.01, 5), side(10, 0.01, 5)}, 0.5);
  CHECK(out.verdict == Verdict::inconclusive);
  CHECK_THAT(out.reason, Catch::Contains("only 5"));
}

TEST_CASE("rounds where a side is missing are not paired", "[verdict]") {
  auto a = side(30, 0.01);
  a[3] = std::nan("");
  const auto out = judge(ratio_at_least(1.5, 1.1), {a, side(10, 0.01)}, 0.5);
  CHECK(out.pairs == 9);
  CHECK(out.verdict == Verdict::holds);
}

TEST_CASE("pairing cancels a slow drift that unpaired medians cannot see through", "[verdict]") {
  // The machine slows down by 60% over the run; A is always 1.25× B within the same round.
  const auto b = side(10, 0.0, 10, 0.6);
  std::vector<double> a;
  for (double v : b)
    a.push_back(v * 1.25);
  // Unpaired, the two sides' 95% intervals for the median overlap: no decision possible.
  const auto ia = median_interval(a, 0.95);
  const auto ib = median_interval(b, 0.95);
  REQUIRE((ia && ib));
  CHECK(ia->lo < ib->hi);
  // Paired, every round says 1.25.
  const auto out = judge(ratio_at_least(1.2, 1.05), {a, b}, 0.5);
  CHECK(out.verdict == Verdict::holds);
  CHECK(out.estimate == Approx(1.25));
  CHECK(out.ci->lo == Approx(1.25));
}

TEST_CASE("an at-most check holds below and is refuted above", "[verdict]") {
  Check check = ratio_at_least(1, 1);
  check.at_least.reset();
  check.refuted_below.reset();
  check.at_most = 1.2;
  check.refuted_above = 1.5;
  CHECK(judge(check, {side(10.5, 0.01), side(10, 0.01)}, 0.5).verdict == Verdict::holds);
  CHECK(judge(check, {side(20, 0.01), side(10, 0.01)}, 0.5).verdict == Verdict::refuted);
  CHECK(judge(check, {side(13.5, 0.01), side(10, 0.01)}, 0.5).verdict == Verdict::inconclusive);
}

TEST_CASE("equivalence uses two one-sided tests at 90%", "[verdict]") {
  Check check;
  check.id = "eq";
  check.kind = CheckKind::equivalent;
  check.numerator = "a";
  check.denominator = "b";
  check.within = 0.10;
  const auto same = judge(check, {side(10.2, 0.01), side(10, 0.01)}, 0.5);
  CHECK(same.verdict == Verdict::holds);
  CHECK(same.confidence == 0.90);
  CHECK(judge(check, {side(13, 0.01), side(10, 0.01)}, 0.5).verdict == Verdict::refuted);
  CHECK(judge(check, {side(7, 0.01), side(10, 0.01)}, 0.5).verdict == Verdict::refuted);
  // Centred on 1.08 with ±5% scatter: the interval crosses 1.10.
  CHECK(judge(check, {side(10.8, 0.05), side(10, 0.0)}, 0.5).verdict == Verdict::inconclusive);
}

TEST_CASE("absolute checks bound one benchmark's value", "[verdict]") {
  Check check;
  check.id = "rss";
  check.kind = CheckKind::absolute;
  check.numerator = "a";
  check.metric = "rss_bytes";
  check.at_most = 1 << 20;
  CHECK(judge(check, {side(200e3, 0.1), {}}, 0.5).verdict == Verdict::holds);
  CHECK(judge(check, {side(64e6, 0.1), {}}, 0.5).verdict == Verdict::refuted);
  CHECK(judge(check, {side(1 << 20, 0.2), {}}, 0.5).verdict == Verdict::inconclusive);
}

TEST_CASE("the mechanism counter must agree, or the verdict says time alone", "[verdict]") {
  Check check = ratio_at_least(1.5, 1.1);
  check.mechanism = "L1-dcache-load-misses";
  MechanismSamples agrees{true, {side(8, 0.01), side(1, 0.01)}};
  CHECK(judge(check, {side(30, 0.01), side(10, 0.01)}, 0.5, &agrees).verdict == Verdict::holds);
  MechanismSamples disagrees{true, {side(1, 0.01), side(2, 0.01)}};
  const auto out = judge(check, {side(30, 0.01), side(10, 0.01)}, 0.5, &disagrees);
  CHECK(out.verdict == Verdict::inconclusive);
  CHECK_THAT(out.reason, Catch::Contains("disagrees"));
  MechanismSamples missing{false, {}};
  const auto alone = judge(check, {side(30, 0.01), side(10, 0.01)}, 0.5, &missing);
  CHECK(alone.verdict == Verdict::holds);
  CHECK_THAT(alone.reason, Catch::Contains("rests on time alone"));
}

TEST_CASE("a skipped check carries its reason", "[verdict]") {
  const auto out = skipped(ratio_at_least(1.5, 1.1), "needs 4 cores; this machine has 2");
  CHECK(out.verdict == Verdict::skipped);
  CHECK(out.reason == "needs 4 cores; this machine has 2");
  CHECK(to_string(out.verdict) == "SKIPPED");
}
