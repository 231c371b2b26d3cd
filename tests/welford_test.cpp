// WelfordAccumulator: moments of known data, merging partial accumulators, large offsets.
#include "common/stats/welford.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

using simsel::WelfordAccumulator;

namespace {

WelfordAccumulator accumulate(const std::vector<double>& values, std::size_t begin,
                              std::size_t end) {
  WelfordAccumulator accumulator;
  for (std::size_t i = begin; i < end; ++i) accumulator.add(values[i]);
  return accumulator;
}

}  // namespace

TEST_CASE("Welford: empty and single values have zero variance", "[stats]") {
  WelfordAccumulator accumulator;
  CHECK(accumulator.count == 0);
  CHECK(accumulator.variance() == 0);
  accumulator.add(3.5);
  CHECK(accumulator.mean == 3.5);
  CHECK(accumulator.variance() == 0);
}

TEST_CASE("Welford: mean and sample variance of known data", "[stats]") {
  const std::vector<double> values{2, 4, 4, 4, 5, 5, 7, 9};
  const WelfordAccumulator accumulator = accumulate(values, 0, values.size());
  CHECK(accumulator.count == 8);
  CHECK(accumulator.mean == Approx(5.0));
  CHECK(accumulator.variance() == Approx(32.0 / 7.0));
  CHECK(accumulator.stddev() == Approx(std::sqrt(32.0 / 7.0)));
}

TEST_CASE("Welford: a large common offset does not destroy the variance", "[stats]") {
  const std::vector<double> values{1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
  const WelfordAccumulator accumulator = accumulate(values, 0, values.size());
  CHECK(accumulator.variance() == Approx(30.0));
}

TEST_CASE("Welford: merging partial accumulators equals one pass", "[stats]") {
  std::mt19937_64 engine(7);
  std::normal_distribution<double> normal(3.0, 2.0);
  std::vector<double> values(1000);
  for (double& value : values) value = normal(engine);
  const WelfordAccumulator whole = accumulate(values, 0, values.size());

  for (std::size_t split : {std::size_t{0}, std::size_t{1}, std::size_t{437}, values.size()}) {
    WelfordAccumulator left = accumulate(values, 0, split);
    left.merge(accumulate(values, split, values.size()));
    CHECK(left.count == whole.count);
    CHECK(left.mean == Approx(whole.mean).epsilon(1e-12));
    CHECK(left.variance() == Approx(whole.variance()).epsilon(1e-12));
  }
}
