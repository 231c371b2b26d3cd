// See rinott_constant.h. Rinott's h is found by bracketing and TOMS 748 on the shortfall
// 1 - I(h), the probability the bound misses; working with the shortfall rather than I(h) keeps
// the precision when P* is close to 1 or k is large (then every inner integral is 1 - tiny).
#include "broker/procedures/rinott_constant.h"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <string>
#include <vector>

namespace simsel {
namespace {

// Mass of each chi-square tail left out of the grid: far below anything the answer can feel,
// even when k = 10^6 multiplies the inner complement.
constexpr double kTailMass = 1e-15;

// Trapezoid spacing in ln x: a fraction of the spread of ln X, and never coarser than the unit
// scale on which the right tail falls off.
constexpr double kNodesPerSpread = 5;
constexpr double kMaxSpacing = 0.25;

constexpr double kLargestH = 1e12;

// Nodes x_j and weights w_j such that sum_j w_j g(x_j) ~ E[g(X)], X ~ chi-square(nu).
// In t = ln x the chi-square density is smooth and unimodal, decays exponentially on the left
// and doubly exponentially on the right, and the integrands are analytic in a strip around the
// real axis: the plain trapezoid rule in t then converges geometrically (Trefethen and Weideman,
// SIAM Review 2014), copes with nu = 1 (density infinite at 0) and reaches deep into the lower
// tail, where the inner integral's complement lives when h is large. One rule serves both
// integrals, so an evaluation is one pass over a precomputed grid of node pairs.
struct ChiSquareRule {
  std::vector<double> points;
  std::vector<double> weights;
};

ChiSquareRule make_chi_square_rule(double nu) {
  const boost::math::chi_squared_distribution<double> chi_square(nu);
  const double first = std::log(boost::math::quantile(chi_square, kTailMass));
  const double last =
      std::log(boost::math::quantile(boost::math::complement(chi_square, kTailMass)));
  // Var(ln X) = trigamma(nu / 2) for a chi-square X.
  const double spread = std::sqrt(boost::math::trigamma(nu / 2));
  const double wanted_spacing = std::min(kMaxSpacing, spread / kNodesPerSpread);
  const auto intervals = static_cast<std::size_t>(std::ceil((last - first) / wanted_spacing));
  const double spacing = (last - first) / static_cast<double>(intervals);

  ChiSquareRule rule;
  for (std::size_t j = 0; j <= intervals; ++j) {
    const double x = std::exp(first + spacing * static_cast<double>(j));
    // dx = x dt; the end nodes carry density ~kTailMass, so full weights there change nothing.
    rule.points.push_back(x);
    rule.weights.push_back(spacing * boost::math::pdf(chi_square, x) * x);
  }
  return rule;
}

// 1 - I(h) for fixed k and nu. Since Phi(h / sqrt(nu (1/x + 1/y))) = 1 - erfc(z)/2 with
// z = h * scale(x, y), scale = 1 / sqrt(2 nu (1/x + 1/y)), the grid of scales is computed once.
class RinottShortfall {
 public:
  RinottShortfall(std::uint64_t systems, double nu)
      : others_(static_cast<double>(systems - 1)), rule_(make_chi_square_rule(nu)) {
    const std::size_t n = rule_.points.size();
    scales_.resize(n * n);
    for (std::size_t outer = 0; outer < n; ++outer) {
      for (std::size_t inner = 0; inner < n; ++inner) {
        const double reciprocal_sum = 1 / rule_.points[inner] + 1 / rule_.points[outer];
        scales_[outer * n + inner] = 1 / std::sqrt(2 * nu * reciprocal_sum);
      }
    }
  }

  double operator()(double h) const {
    const std::size_t n = rule_.points.size();
    double shortfall = 0;
    for (std::size_t outer = 0; outer < n; ++outer) {
      // Complement of the inner integral: P(Z > h / sqrt(nu (1/X + 1/y))).
      double inner_miss = 0;
      const double* scale = &scales_[outer * n];
      for (std::size_t inner = 0; inner < n; ++inner) {
        inner_miss += rule_.weights[inner] * std::erfc(h * scale[inner]);
      }
      inner_miss *= 0.5;
      // 1 - (1 - miss)^(k-1), without losing miss when it is tiny next to 1.
      shortfall -= rule_.weights[outer] * std::expm1(others_ * std::log1p(-inner_miss));
    }
    return shortfall;
  }

 private:
  double others_;  // k - 1
  ChiSquareRule rule_;
  std::vector<double> scales_;  // [outer * n + inner]
};

}  // namespace

Result<double> rinott_h(std::uint64_t systems, double p_star, std::uint32_t degrees_of_freedom) {
  if (systems < 2) return make_error("rinott_h: needs at least 2 systems");
  if (!(p_star > 0 && p_star < 1)) return make_error("rinott_h: P* must be in (0,1)");
  if (degrees_of_freedom < 1) return make_error("rinott_h: needs at least 1 degree of freedom");

  const double alpha = 1 - p_star;
  const RinottShortfall shortfall(systems, degrees_of_freedom);
  const auto excess = [&](double h) { return shortfall(h) - alpha; };

  // The shortfall falls from 1 - 2^-(k-1) at h = 0 towards 0: double until it is below alpha.
  double low = 0;
  double excess_low = excess(low);
  if (excess_low <= 0) return 0.0;
  double high = 1;
  double excess_high = excess(high);
  while (excess_high > 0) {
    if (high >= kLargestH) return make_error("rinott_h: h exceeds 1e12 for these arguments");
    low = high;
    excess_low = excess_high;
    high *= 2;
    excess_high = excess(high);
  }

  boost::uintmax_t max_iterations = 100;
  const auto [left, right] = boost::math::tools::toms748_solve(
      excess, low, high, excess_low, excess_high, boost::math::tools::eps_tolerance<double>(40),
      max_iterations);
  return (left + right) / 2;
}

KnConstants kn_constants(std::uint64_t systems, double alpha, std::uint32_t n0) {
  const double first_stage_dof = static_cast<double>(n0 - 1);
  const double base = 2 * alpha / static_cast<double>(systems - 1);
  KnConstants constants;
  constants.eta = (std::pow(base, -2 / first_stage_dof) - 1) / 2;
  constants.h_squared = 2 * constants.eta * first_stage_dof;
  return constants;
}

}  // namespace simsel
