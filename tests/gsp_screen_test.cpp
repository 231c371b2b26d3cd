// GSP's screen: the pair threshold on hand values, the exact decisions of a brute-force O(k^2)
// screen on random instances (noisy, spread, zero and tied variances, tied scores), and its cost
// at k = 10^6.
#include "broker/procedures/gsp_screen.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

using simsel::gsp_screen;
using simsel::pair_threshold;
using simsel::ScreenedSystem;

namespace {

std::vector<bool> brute_force_screen(const std::vector<ScreenedSystem>& systems, double c) {
  std::vector<bool> eliminated(systems.size(), false);
  for (std::size_t a = 0; a < systems.size(); ++a) {
    for (std::size_t b = 0; b < systems.size() && !eliminated[a]; ++b) {
      eliminated[a] =
          b != a && systems[b].score - pair_threshold(c, systems[a], systems[b]) > systems[a].score;
    }
  }
  return eliminated;
}

// Systems as GSP sees them in round r: S^2 = sigma^2 chi-square(n1 - 1) / (n1 - 1),
// b = ceil(beta S / mean S), means N(mu, S^2 / n) with mu spread over `mean_spread`.
struct InstanceShape {
  std::size_t systems = 1000;
  double sigma_spread = 1;    // sigma uniform on [1, 1 + sigma_spread]
  double mean_spread = 0.05;  // true means uniform on [0, mean_spread]
  std::uint32_t round = 0;
  double zero_variance_share = 0;
  bool round_scores = false;  // coarse scores, so that ties are common
};

std::vector<ScreenedSystem> instance(const InstanceShape& shape, std::uint64_t seed) {
  constexpr std::uint32_t n1 = 50, r_bar = 10;
  constexpr double beta = 100;
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::chi_squared_distribution<double> chi_square(n1 - 1);
  std::normal_distribution<double> normal;
  std::vector<double> variances(shape.systems);
  double sum_of_deviations = 0;
  for (double& variance : variances) {
    const double sigma = 1 + shape.sigma_spread * uniform(engine);
    variance = uniform(engine) < shape.zero_variance_share
                   ? 0.0
                   : sigma * sigma * chi_square(engine) / (n1 - 1);
    sum_of_deviations += std::sqrt(variance);
  }
  const double mean_deviation = sum_of_deviations / shape.systems;
  std::vector<ScreenedSystem> systems;
  for (double variance : variances) {
    const double batch = std::ceil(beta * std::sqrt(variance) / mean_deviation);
    const double n = n1 + shape.round * batch, final_n = n1 + r_bar * batch;
    double score = shape.mean_spread * uniform(engine) + std::sqrt(variance / n) * normal(engine);
    if (shape.round_scores) score = std::round(score * 20) / 20;
    systems.push_back({score, variance / n, variance / final_n});
  }
  return systems;
}

constexpr double kC = 0.69 * 7;  // eta sqrt(n1 - 1) for k = 1000, alpha1 = 0.025, n1 = 50

}  // namespace

TEST_CASE("gsp_screen: the pair threshold", "[procedures]") {
  const ScreenedSystem a{0, 0.5, 0.25}, b{1, 1.5, 0.75};
  CHECK(pair_threshold(2, a, b) == Approx(2 * 2.0 / 1.0));
  CHECK(pair_threshold(2, a, b) == pair_threshold(2, b, a));
  CHECK(pair_threshold(2, {0, 0, 0}, {1, 0, 0}) == 0);
}

TEST_CASE("gsp_screen: a system trailing by more than the threshold goes, others stay",
          "[procedures]") {
  // Threshold of every pair: c (0.02) / sqrt(0.002) = 0.447 c; c = 1.
  const std::vector<ScreenedSystem> systems{
      {1.0, 0.01, 0.001}, {0.6, 0.01, 0.001}, {0.5, 0.01, 0.001}};
  const std::vector<bool> eliminated = gsp_screen(systems, 1.0).eliminated;
  CHECK(eliminated == std::vector<bool>{false, false, true});
}

TEST_CASE("gsp_screen: the same decisions as the brute-force screen", "[procedures]") {
  std::vector<InstanceShape> shapes;
  for (std::uint32_t round : {0u, 3u, 10u}) {
    for (double sigma_spread : {0.0, 1.0, 20.0}) {
      for (double mean_spread : {0.0, 0.05, 1.0, 100.0}) {
        shapes.push_back({1000, sigma_spread, mean_spread, round});
      }
    }
  }
  shapes.push_back({2, 1.0, 1.0, 10});
  shapes.push_back({17, 1.0, 0.5, 10});
  shapes.push_back({3000, 5.0, 0.3, 10});
  shapes.push_back({1000, 1.0, 0.3, 10, 0.3});        // some systems without noise
  shapes.push_back({1000, 0.0, 0.3, 10, 0.0, true});  // many tied scores
  shapes.push_back({1000, 1.0, 0.3, 10, 0.5, true});
  std::uint64_t seed = 0;
  std::size_t eliminated_somewhere = 0, kept_somewhere = 0;
  for (const InstanceShape& shape : shapes) {
    const std::vector<ScreenedSystem> systems = instance(shape, ++seed);
    const std::vector<bool> expected = brute_force_screen(systems, kC);
    INFO("instance " << seed);
    CHECK(gsp_screen(systems, kC).eliminated == expected);
    for (bool gone : expected) (gone ? eliminated_somewhere : kept_somewhere) += 1;
  }
  // The instances exercise both outcomes, in quantity.
  CHECK(eliminated_somewhere > 10000);
  CHECK(kept_somewhere > 10000);
}

TEST_CASE("gsp_screen: 10^6 near-tied systems cost O(k log k), not O(k^2)", "[procedures]") {
  // Slippage-like: every true mean within 0.05, variances spread by 2, the last round (where
  // thresholds are smallest and many systems sit near their edge). k^2 = 10^12 pair checks.
  const std::vector<ScreenedSystem> systems = instance({1000000, 1.0, 0.05, 10}, 99);
  const simsel::ScreenOutcome outcome = gsp_screen(systems, kC);
  std::size_t eliminated = 0;
  for (bool gone : outcome.eliminated) eliminated += gone;
  INFO("eliminated " << eliminated << ", pair checks " << outcome.pair_checks);
  CHECK(eliminated > 0);
  CHECK(eliminated < systems.size());
  CHECK(outcome.pair_checks < 200 * systems.size());
}
