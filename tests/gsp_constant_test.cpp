// GSP's eta: independent reference values, the probability it claims by Monte Carlo, the
// direction it moves in with k and n1, and argument errors.
#include "broker/procedures/gsp_constant.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

using simsel::gsp_eta;

namespace {

double eta_of(std::uint64_t systems, double alpha1, std::uint32_t n1) {
  auto eta = gsp_eta(systems, alpha1, n1);
  REQUIRE(eta.ok());
  return *eta;
}

}  // namespace

TEST_CASE("gsp_eta: agrees with an independent mpmath computation", "[procedures]") {
  // From tests/gsp_eta_reference.py (mpmath 1.3.0, 30 digits; see its header for the method).
  CHECK(eta_of(2, 0.025, 50) == Approx(0.348021788981846).epsilon(1e-9));
  CHECK(eta_of(10, 0.025, 50) == Approx(0.471307810049375).epsilon(1e-9));
  CHECK(eta_of(1000, 0.025, 50) == Approx(0.690196732266357).epsilon(1e-9));
  CHECK(eta_of(57624, 0.025, 50) == Approx(0.858696227556568).epsilon(1e-9));
  CHECK(eta_of(1000000, 0.025, 50) == Approx(0.973755433506397).epsilon(1e-9));
  CHECK(eta_of(10, 0.05, 10) == Approx(1.34030566451101).epsilon(1e-9));
  CHECK(eta_of(100, 0.05, 20) == Approx(1.02121125351842).epsilon(1e-9));
}

TEST_CASE("gsp_eta: the equation is the probability it claims to be (Monte Carlo)",
          "[procedures]") {
  // P(Z > eta sqrt(R)) doubled, with R = min of two chi-square(n1 - 1) and Z standard normal
  // drawn independently, must equal 1 - (1 - alpha1)^(1/(k-1)).
  const std::uint64_t systems = 3;
  const double alpha1 = 0.2;
  const std::uint32_t n1 = 6;
  const double eta = eta_of(systems, alpha1, n1);
  std::mt19937_64 engine(2017);
  std::chi_squared_distribution<double> chi_square(n1 - 1);
  std::normal_distribution<double> normal;
  constexpr int kDraws = 400000;
  int crossings = 0;
  for (int draw = 0; draw < kDraws; ++draw) {
    const double r = std::min(chi_square(engine), chi_square(engine));
    crossings += std::abs(normal(engine)) > eta * std::sqrt(r);  // two-sided: 2 Phi-bar
  }
  const double target = 1 - std::pow(1 - alpha1, 1.0 / (systems - 1));
  const double estimate = double(crossings) / kDraws;
  CHECK(std::abs(estimate - target) < 4 * std::sqrt(target * (1 - target) / kDraws));
}

TEST_CASE("gsp_eta: grows with k and shrinks with n1, towards the known-variance limit",
          "[procedures]") {
  CHECK(eta_of(100, 0.025, 50) > eta_of(10, 0.025, 50));
  CHECK(eta_of(100, 0.025, 20) * std::sqrt(19.0) > eta_of(100, 0.025, 50) * std::sqrt(49.0));
  // As n1 grows R / (n1 - 1) -> 1, so eta sqrt(n1 - 1) -> z with 2 Phi-bar(z) = the target.
  const double target = 1 - std::pow(1 - 0.05, 1.0 / 9);
  const double z =
      boost::math::quantile(boost::math::complement(boost::math::normal(), target / 2));
  const double scaled = eta_of(10, 0.05, 20000) * std::sqrt(19999.0);
  CHECK(scaled > z);
  CHECK(scaled == Approx(z).epsilon(2e-2));
}

TEST_CASE("gsp_eta: n1 = 2 and k = 10^6 are within reach", "[procedures]") {
  const double eta = eta_of(1000000, 0.025, 2);  // R ~ min of two chi-square(1): heavy near 0
  CHECK(std::isfinite(eta));
  CHECK(eta > eta_of(1000000, 0.025, 3));
}

TEST_CASE("gsp_eta: argument errors", "[procedures]") {
  CHECK_FALSE(gsp_eta(1, 0.05, 50).ok());
  CHECK_FALSE(gsp_eta(10, 0, 50).ok());
  CHECK_FALSE(gsp_eta(10, 1, 50).ok());
  CHECK_FALSE(gsp_eta(10, 0.05, 1).ok());
}
