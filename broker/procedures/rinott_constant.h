// Constants of the indifference-zone procedures: Rinott's h (two-stage sample sizes) computed
// numerically from its integral, and KN's eta and h^2 (closed form). Pure functions, no state;
// safe to call from any thread. Not the procedures themselves (rinott.h, kn.h).
#pragma once

#include <cstdint>

#include "common/util/result.h"

namespace simsel {

// Rinott's h for `systems` systems, confidence `p_star` and `degrees_of_freedom` = n0 - 1: the
// root of
//   integral_0^inf [ integral_0^inf Phi(h / sqrt(nu (1/x + 1/y))) f_nu(x) dx ]^(k-1) f_nu(y) dy
//     = P*
// with f_nu the chi-square density (Bechhofer, Santner and Goldsman 1995). 0 when h = 0 already
// reaches P* (then the first stage suffices). For k up to 10^6 it agrees with an independent
// adaptive quadrature to 1e-9 relative for nu >= 2 and 1e-7 for nu = 1; it takes 1-3 ms for
// nu from 2 to a few hundred, 10-25 ms for nu = 1.
// Returns an Error if systems < 2, p_star is outside (0,1), degrees_of_freedom < 1, or h is
// beyond 1e12 (no practical use).
Result<double> rinott_h(std::uint64_t systems, double p_star, std::uint32_t degrees_of_freedom);

// KN (Kim and Nelson 2001) with c = 1:
//   eta = ((2 alpha / (k - 1))^(-2 / (n0 - 1)) - 1) / 2,   h^2 = 2 eta (n0 - 1).
struct KnConstants {
  double eta = 0;
  double h_squared = 0;
};

// REQUIRES: systems >= 2, 0 < alpha < 1, n0 >= 2
KnConstants kn_constants(std::uint64_t systems, double alpha, std::uint32_t n0);

}  // namespace simsel
