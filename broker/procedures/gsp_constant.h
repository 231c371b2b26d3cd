// GSP's screening constant eta (Ni, Ciocan, Henderson and Hunter 2017), computed numerically from
// its integral equation. A pure function, no state; safe to call from any thread. Not the
// screening rule (gsp_screen.h) nor the procedure (gsp.h).
#pragma once

#include <cstdint>

#include "common/util/result.h"

namespace simsel {

// eta for `systems` systems, screening error `alpha1` and first-stage size `n1`: the root of
//   E[ 2 Phi-bar(eta sqrt(R)) ] = 1 - (1 - alpha1)^(1/(k-1)),
// R the minimum of two independent chi-square(n1 - 1) variables (the equation PyPRS's
// etafunc.py solves). Computed with adaptive Gauss-Kronrod quadrature in ln x and TOMS 748;
// agrees with an independent mpmath computation to 1e-9 relative (tests/gsp_constant_test.cpp).
// Returns an Error if systems < 2, alpha1 is outside (0,1), n1 < 2 or eta would exceed 1e12.
Result<double> gsp_eta(std::uint64_t systems, double alpha1, std::uint32_t n1);

}  // namespace simsel
