// Non-uniform variates by inversion: each variate consumes exactly one uniform, and a larger
// uniform gives a larger (or equal) variate, so common random numbers stay synchronised
// across systems and induce positive correlation. Pure functions of the generator's draws.
#pragma once

#include <boost/math/special_functions/erf.hpp>
#include <cassert>
#include <cmath>
#include <numbers>

#include "common/rng/mrg32k3a.h"

namespace simsel {

// Exponential with the given rate (mean 1/rate). REQUIRES: rate > 0
// log(1 - u) rather than log1p(-u): half the cost in the tp hot loop, and u >= 2.3e-10 keeps
// the rounding of 1 - u far below anything a simulation output can resolve.
inline double exponential(Mrg32k3a& rng, double rate) {
  assert(rate > 0);
  return -std::log(1.0 - rng.next_uniform()) / rate;
}

// The standard normal quantile Phi^-1(u) = -sqrt(2) erfc^-1(2u), evaluated in double precision
// (Boost would otherwise promote to long double, which made the inverse most of a worker's time
// on the `normal` model; the double version is accurate to a few ulp, tests/rng_test.cpp).
// REQUIRES: 0 < u < 1
inline double standard_normal_quantile(double u) {
  assert(u > 0 && u < 1);
  using InDouble = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
  return -std::numbers::sqrt2 * boost::math::erfc_inv(2.0 * u, InDouble());
}

// Standard normal, from one uniform.
inline double standard_normal(Mrg32k3a& rng) {
  return standard_normal_quantile(rng.next_uniform());
}

// Poisson with the given mean, by sequential search of the CDF from 0; the work grows with
// the mean. REQUIRES: 0 < mean <= 700 (exp(-mean) must not underflow)
inline long poisson(Mrg32k3a& rng, double mean) {
  assert(mean > 0 && mean <= 700);
  const double u = rng.next_uniform();
  long k = 0;
  double pmf = std::exp(-mean);
  double cdf = pmf;
  // pmf > 0 guards the far tail, where rounding can leave cdf just below a u near 1.
  while (u > cdf && pmf > 0) {
    ++k;
    pmf *= mean / static_cast<double>(k);
    cdf += pmf;
  }
  return k;
}

}  // namespace simsel
