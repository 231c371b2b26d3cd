// See gsp_constant.h. The left side g(eta) falls from 1 at eta = 0 towards 0, so the root is
// bracketed by doubling and refined by TOMS 748 on ln g(eta) - ln target: the logarithm keeps the
// relative precision when the target is tiny (alpha1 / (k - 1) for k = 10^6 is 2.5e-8).
#include "broker/procedures/gsp_constant.h"

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>

namespace simsel {
namespace {

// Chi-square mass left out on each side: R's density is twice the chi-square's at most, so the
// omitted part of g is below 4e-30, nothing next to the smallest target (about 1e-14 at k = 10^12).
constexpr double kTailMass = 1e-30;
constexpr double kLargestEta = 1e12;
constexpr double kRelativeTolerance = 1e-12;
// Bisection depth of the adaptive quadrature: at most 2^12 intervals of 31 nodes, so a call is
// bounded (a few ms) even where rounding keeps the tolerance out of reach (n1 in the thousands).
constexpr unsigned kMaxDepth = 12;

// g(eta) = integral 2 Phi-bar(eta sqrt(x)) f_R(x) dx, f_R = 2 f (1 - F) the density of the
// minimum of two chi-square(nu). In t = ln x the integrand is smooth even for nu = 1 (where f is
// infinite at 0) and for large eta (where the mass sits near x = 1/eta^2).
class ScreeningMiss {
 public:
  explicit ScreeningMiss(double nu)
      : chi_square_(nu),
        first_(std::log(boost::math::quantile(chi_square_, kTailMass))),
        last_(std::log(boost::math::quantile(boost::math::complement(chi_square_, kTailMass)))) {}

  double operator()(double eta) const {
    const auto integrand = [&](double t) {
      const double x = std::exp(t);
      const double density_of_min =
          2 * boost::math::pdf(chi_square_, x) * boost::math::cdf(complement(chi_square_, x));
      // 2 Phi-bar(z) = erfc(z / sqrt 2); dx = x dt.
      return std::erfc(eta * std::sqrt(x / 2)) * density_of_min * x;
    };
    return boost::math::quadrature::gauss_kronrod<double, 31>::integrate(
        integrand, first_, last_, kMaxDepth, kRelativeTolerance);
  }

 private:
  boost::math::chi_squared_distribution<double> chi_square_;
  double first_;  // ln of the lower integration limit
  double last_;
};

}  // namespace

Result<double> gsp_eta(std::uint64_t systems, double alpha1, std::uint32_t n1) {
  if (systems < 2) return make_error("gsp_eta: needs at least 2 systems");
  if (!(alpha1 > 0 && alpha1 < 1)) return make_error("gsp_eta: alpha1 must be in (0,1)");
  if (n1 < 2) return make_error("gsp_eta: n1 must be >= 2");

  // 1 - (1 - alpha1)^(1/(k-1)) without cancellation.
  const double target = -std::expm1(std::log1p(-alpha1) / static_cast<double>(systems - 1));
  const ScreeningMiss miss(static_cast<double>(n1 - 1));
  const auto excess = [&](double eta) { return std::log(miss(eta)) - std::log(target); };

  // g(0) = 1 > target. Doubling from 1 / sqrt(n1 - 1) brackets the root before erfc underflows
  // for large n1, where eta sqrt(n1 - 1) is a few units (the normal quantile of the target); for
  // small n1 eta can be large (about 1 / target for n1 = 2) and the doubling goes on.
  double low = 0;
  double excess_low = -std::log(target);
  double high = 1 / std::sqrt(static_cast<double>(n1 - 1));
  double excess_high = excess(high);
  while (excess_high > 0) {
    if (high >= kLargestEta) return make_error("gsp_eta: eta exceeds 1e12 for these arguments");
    low = high;
    excess_low = excess_high;
    high *= 2;
    excess_high = excess(high);
  }
  if (!std::isfinite(excess_high))
    return make_error("gsp_eta: no precise root for these arguments");
  boost::uintmax_t max_iterations = 100;
  const auto [left, right] = boost::math::tools::toms748_solve(
      excess, low, high, excess_low, excess_high, boost::math::tools::eps_tolerance<double>(45),
      max_iterations);
  return (left + right) / 2;
}

}  // namespace simsel
