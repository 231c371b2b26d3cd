// subset_screen: agrees with the all-pairs definition on random instances, including the
// adversarial one where scores rise with variances (every system on the Pareto frontier).
#include "broker/procedures/subset_screen.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

using simsel::ScreenInput;
using simsel::subset_screen;

namespace {

std::vector<std::uint64_t> all_pairs_screen(const std::vector<ScreenInput>& systems, double t,
                                            double delta) {
  std::vector<std::uint64_t> kept;
  for (std::uint64_t i = 0; i < systems.size(); ++i) {
    bool survives = true;
    for (std::uint64_t j = 0; j < systems.size() && survives; ++j) {
      if (j == i) continue;
      const double w = t * std::sqrt(systems[i].variance + systems[j].variance);
      survives = systems[i].score >= systems[j].score - std::max(0.0, w - delta);
    }
    if (survives) kept.push_back(i);
  }
  return kept;
}

}  // namespace

TEST_CASE("subset_screen: the same subset as checking every pair", "[procedures]") {
  std::mt19937_64 engine(42);
  std::uniform_real_distribution<double> uniform(0, 1);
  for (int instance = 0; instance < 300; ++instance) {
    const std::uint64_t k = 2 + instance % 200;
    const bool rising = instance % 3 == 0;  // scores rise with variances
    std::vector<ScreenInput> systems(k);
    for (std::uint64_t i = 0; i < k; ++i) {
      const double variance =
          rising ? 0.01 * (i + 1) * uniform(engine) + 0.001 * i : 0.05 * uniform(engine);
      const double score = rising ? 0.02 * i + 0.01 * uniform(engine) : uniform(engine);
      systems[i] = {score, instance % 7 == 0 ? 0.0 : variance};
    }
    if (instance % 11 == 0) systems[k / 2] = systems[0];  // exact ties
    const double t = 1 + 3 * uniform(engine);
    const double delta = 0.1 * uniform(engine);
    INFO("instance " << instance);
    CHECK(subset_screen(systems, t, delta) == all_pairs_screen(systems, t, delta));
  }
}

TEST_CASE("subset_screen: a clearly best system with tiny variances keeps only itself",
          "[procedures]") {
  std::vector<ScreenInput> systems(1000, ScreenInput{0.0, 1e-6});
  systems[123] = {1.0, 1e-6};
  CHECK(subset_screen(systems, 3.0, 0.1) == std::vector<std::uint64_t>{123});
}

TEST_CASE("subset_screen: equal systems all survive", "[procedures]") {
  const std::vector<ScreenInput> systems(50, ScreenInput{0.5, 0.01});
  CHECK(subset_screen(systems, 3.0, 0.1).size() == 50);
}
