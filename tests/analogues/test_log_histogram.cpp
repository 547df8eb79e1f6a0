// Tests for claimbench::LogHistogram (analogues/log_histogram.hpp).
#include <catch2/catch.hpp>

#include "analogues/log_histogram.hpp"

#include <cstdint>
#include <random>

using claimbench::LogHistogram;

TEST_CASE("log_histogram: buckets tile the integers", "[analogues][log_histogram]") {
  // Every bucket starts one past the previous one's end and contains its own bounds.
  for (std::size_t b = 0; b + 1 < LogHistogram::kBuckets; ++b) {
    INFO("bucket " << b);
    REQUIRE(LogHistogram::upper_bound(b) + 1 == LogHistogram::lower_bound(b + 1));
    REQUIRE(LogHistogram::bucket_of(LogHistogram::lower_bound(b)) == b);
    REQUIRE(LogHistogram::bucket_of(LogHistogram::upper_bound(b)) == b);
  }
  // Relative width: at most 1/8 of the lower bound above the exact range.
  for (std::size_t b = LogHistogram::kSub; b + 1 < LogHistogram::kBuckets; ++b) {
    // Integers: doubles round these bounds once they pass 2^53.
    const std::uint64_t lo = LogHistogram::lower_bound(b);
    const std::uint64_t width = LogHistogram::upper_bound(b) - lo + 1;
    REQUIRE(width <= lo / 8);
  }
}

TEST_CASE("log_histogram: exact below 8, empty is 0", "[analogues][log_histogram]") {
  LogHistogram h;
  CHECK(h.percentile(0.5) == 0);
  for (std::uint64_t v = 0; v < 8; ++v)
    h.record(v);
  CHECK(h.count() == 8);
  CHECK(h.max() == 7);
  CHECK(h.percentile(0.125) == 0);  // rank 1
  CHECK(h.percentile(0.5) == 3);    // rank 4
  CHECK(h.percentile(1.0) == 7);
}

TEST_CASE("log_histogram: percentiles of a known distribution", "[analogues][log_histogram]") {
  // 1000 values 1..1000: the p-th percentile is 1000p; the histogram must land in its bucket.
  LogHistogram h;
  for (std::uint64_t v = 1; v <= 1000; ++v)
    h.record(v);
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const auto truth = static_cast<std::uint64_t>(q * 1000);
    const std::size_t b = LogHistogram::bucket_of(truth);
    INFO("q = " << q);
    CHECK(h.percentile(q) >= static_cast<double>(LogHistogram::lower_bound(b)));
    CHECK(h.percentile(q) <= static_cast<double>(LogHistogram::upper_bound(b)));
  }
}

TEST_CASE("log_histogram: a percentile never exceeds the maximum", "[analogues][log_histogram]") {
  // 960 opens the bucket [960, 1023] whose midpoint (991.5) is above anything recorded.
  LogHistogram h;
  h.record(960);
  CHECK(h.percentile(0.5) == 960);
  CHECK(h.percentile(1.0) == 960);
}

TEST_CASE("log_histogram: a rare tail shows at p99.9 and not at p99",
          "[analogues][log_histogram]") {
  // 9980 fast waits of 100 and 20 slow ones of 100000: 0.2% of samples, so p99.9 is slow.
  LogHistogram h;
  for (int i = 0; i < 9980; ++i)
    h.record(100);
  for (int i = 0; i < 20; ++i)
    h.record(100'000);
  CHECK(h.percentile(0.99) == Approx(100).epsilon(0.07));
  CHECK(h.percentile(0.999) == Approx(100'000).epsilon(0.07));
  CHECK(h.max() == 100'000);
}

TEST_CASE("log_histogram: merge equals recording everything in one", "[analogues][log_histogram]") {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(6.0, 2.0);
  LogHistogram a, b, all;
  for (int i = 0; i < 20'000; ++i) {
    const auto v = static_cast<std::uint64_t>(dist(rng));
    (i % 3 == 0 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  CHECK(a.count() == all.count());
  CHECK(a.max() == all.max());
  for (double q : {0.5, 0.99, 0.999})
    CHECK(a.percentile(q) == all.percentile(q));
  a.clear();
  CHECK(a.count() == 0);
  CHECK(a.max() == 0);
  CHECK(a.percentile(0.5) == 0);
}
