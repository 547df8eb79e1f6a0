#include <catch2/catch.hpp>
#include <cmath>

#include "claimbench/judge/stats.hpp"

using namespace claimbench;

TEST_CASE("median of odd and even counts", "[stats]") {
  CHECK(median({3, 1, 2}) == 2);
  CHECK(median({4, 1, 3, 2}) == 2.5);
  CHECK(std::isnan(median({})));
}

TEST_CASE("relative spread ignores one outlier", "[stats]") {
  const double tight = relative_spread({10, 10.1, 9.9, 10, 10.05, 9.95});
  const double with_outlier = relative_spread({10, 10.1, 9.9, 10, 10.05, 1000});
  CHECK(tight < 0.01);
  CHECK(with_outlier < 0.02);  // a standard deviation would explode here
  CHECK(relative_spread({1, 2, 3, 4, 5}) == Approx(1.4826 / 3).epsilon(1e-6));
}

TEST_CASE("order-statistic coverage matches the binomial distribution", "[stats]") {
  // Known values: n=10, [x(2), x(9)] covers 1 - 2 * (1 + 10) / 1024 = 0.978515625.
  CHECK(order_statistic_coverage(10, 2) == Approx(0.978515625));
  CHECK(order_statistic_coverage(10, 3) == Approx(1 - 2 * (1 + 10 + 45) / 1024.0));
  CHECK(order_statistic_coverage(6, 1) == Approx(1 - 2 / 64.0));
}

TEST_CASE("median interval needs six values for 95%", "[stats]") {
  CHECK_FALSE(median_interval({1, 2, 3, 4, 5}, 0.95).has_value());
  const auto six = median_interval({6, 1, 5, 2, 4, 3}, 0.95);
  REQUIRE(six.has_value());
  CHECK(six->lo == 1);
  CHECK(six->hi == 6);
  // n=10: k=2 is the largest k with coverage >= 95% (k=3 gives 89%).
  const auto ten = median_interval({10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 0.95);
  REQUIRE(ten.has_value());
  CHECK(ten->lo == 2);
  CHECK(ten->hi == 9);
  const auto ten90 = median_interval({10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 0.90);
  REQUIRE(ten90.has_value());
  CHECK(ten90->lo == 2);  // k=3 covers 0.8906 < 0.90
}
