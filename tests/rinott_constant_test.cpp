// Rinott's h and the KN constants: published values, an independent quadrature, the large-nu
// limit, a Monte Carlo reading of the integral, and argument errors.
#include "broker/procedures/rinott_constant.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

using simsel::kn_constants;
using simsel::rinott_h;

namespace {

double h_of(std::uint64_t systems, double p_star, std::uint32_t dof) {
  auto h = rinott_h(systems, p_star, dof);
  REQUIRE(h.ok());
  return *h;
}

}  // namespace

TEST_CASE("rinott_h: published value k=10 - P*=0.975 - nu=50 is 4.045", "[procedures]") {
  // Bechhofer, Santner and Goldsman (1995), the check quoted in REFERENCE.md section 3.
  CHECK(std::round(h_of(10, 0.975, 50) * 1000) / 1000 == Approx(4.045).margin(1e-9));
}

TEST_CASE("rinott_h: agrees with nested adaptive quadrature", "[procedures]") {
  // Computed once, independently, with boost tanh_sinh/exp_sinh nested integrals split at
  // chi-square quantiles and TOMS 748 (minutes per value, so not repeated here).
  CHECK(h_of(2, 0.95, 19) == Approx(2.4524732526).epsilon(1e-8));
  CHECK(h_of(10, 0.95, 19) == Approx(3.8752766357).epsilon(1e-8));
  CHECK(h_of(100, 0.95, 9) == Approx(6.0096240617).epsilon(1e-8));
  CHECK(h_of(3, 0.9, 2) == Approx(4.4154007835).epsilon(1e-8));
  CHECK(h_of(50, 0.999, 400) == Approx(5.8420178900).epsilon(1e-8));
  CHECK(h_of(1000000, 0.95, 19) == Approx(9.6132075732).epsilon(1e-8));
  CHECK(h_of(1000000, 0.95, 300) == Approx(7.6299073765).epsilon(1e-8));
  CHECK(h_of(1000, 0.95, 1) == Approx(6250.3474447516).epsilon(1e-6));
}

TEST_CASE("rinott_h: tends to sqrt(2) z_{P*^(1/(k-1))} as nu grows", "[procedures]") {
  // With known variances the integral is Phi(h / sqrt 2)^(k-1).
  const double p_star = 0.95;
  const std::uint64_t systems = 20;
  const boost::math::normal standard_normal;
  const double limit = std::sqrt(2.0) * boost::math::quantile(
                                            standard_normal, std::pow(p_star, 1.0 / (systems - 1)));
  const double h = h_of(systems, p_star, 20000);
  CHECK(h > limit);
  CHECK(h == Approx(limit).epsilon(1e-3));
}

TEST_CASE("rinott_h: the integral is the probability it claims to be (Monte Carlo)",
          "[procedures]") {
  // I(h) = P(max_{i=2..k} Z_i sqrt(nu (1/X_i + 1/Y)) <= h), Z normal, X_i and Y chi-square(nu).
  const std::uint64_t systems = 5;
  const std::uint32_t dof = 4;
  const double p_star = 0.9;
  const double h = h_of(systems, p_star, dof);
  std::mt19937_64 engine(2024);
  std::normal_distribution<double> normal;
  std::chi_squared_distribution<double> chi_square(dof);
  constexpr int kTrials = 200000;
  int covered = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    const double y = chi_square(engine);
    double largest = -INFINITY;
    for (std::uint64_t i = 1; i < systems; ++i) {
      const double x = chi_square(engine);
      largest = std::max(largest, normal(engine) * std::sqrt(dof * (1 / x + 1 / y)));
    }
    covered += largest <= h;
  }
  const double standard_error = std::sqrt(p_star * (1 - p_star) / kTrials);
  CHECK(double(covered) / kTrials == Approx(p_star).margin(4 * standard_error));
}

TEST_CASE("rinott_h: grows with k and P* - shrinks with nu", "[procedures]") {
  CHECK(h_of(10, 0.95, 19) < h_of(11, 0.95, 19));
  CHECK(h_of(10, 0.95, 19) < h_of(10, 0.96, 19));
  CHECK(h_of(10, 0.95, 19) > h_of(10, 0.95, 20));
}

TEST_CASE("rinott_h: extreme but valid arguments give finite answers", "[procedures]") {
  const double h = h_of(1000000, 0.99, 1);  // n0 = 2 with a million systems: h ~ 3e7
  CHECK(std::isfinite(h));
  CHECK(h > 1e6);
}

TEST_CASE("rinott_h: zero when the first stage alone reaches P*", "[procedures]") {
  // With h = 0 the integral is 2^-(k-1): 0.5 for two systems.
  CHECK(h_of(2, 0.4, 10) == 0.0);
}

TEST_CASE("rinott_h: arguments out of range are errors", "[procedures]") {
  CHECK_FALSE(rinott_h(1, 0.95, 10).ok());
  CHECK_FALSE(rinott_h(10, 1.0, 10).ok());
  CHECK_FALSE(rinott_h(10, 0.0, 10).ok());
  CHECK_FALSE(rinott_h(10, 0.95, 0).ok());
}

TEST_CASE("kn_constants: k=10 - n0=20 - alpha=0.05 gives eta 0.30293 - h^2 11.5115",
          "[procedures]") {
  const auto constants = kn_constants(10, 0.05, 20);
  CHECK(constants.eta == Approx(0.30293).margin(5e-6));
  CHECK(constants.h_squared == Approx(11.5115).margin(5e-5));
}

TEST_CASE("kn_constants: exact in a dyadic case used by the KN tests", "[procedures]") {
  // 2 alpha / (k - 1) = 1/4 and n0 = 3: eta = (4 - 1) / 2, h^2 = 2 eta 2.
  const auto constants = kn_constants(3, 0.25, 3);
  CHECK(constants.eta == 1.5);
  CHECK(constants.h_squared == 6.0);
}
