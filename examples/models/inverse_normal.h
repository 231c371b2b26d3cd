/* inverse_normal.h: Phi^-1, the standard normal quantile, for the example models. Acklam's
 * rational approximation (relative error below 1.15e-9) refined by one Halley step against erfc
 * from libm, which leaves an error of a few ulp. Header-only pure functions: thread-safe.
 * Not part of simsel's API: normal_model.c and normal_plugin.c share it as one user's two models
 * would; simsel's own models use common/rng/variates.h.
 */
#ifndef SIMSEL_EXAMPLES_INVERSE_NORMAL_H
#define SIMSEL_EXAMPLES_INVERSE_NORMAL_H

#include <math.h>

/* Acklam's approximation on the lower half, REQUIRES: 0 < u <= 0.5. A rational function of
 * u - 1/2 in the centre, and of sqrt(-2 log u) in the tail below 0.02425. */
static inline double acklam_lower_half(double u) {
  static const double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02,
                              -2.759285104469687e+02, 1.383577518672690e+02,
                              -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                              6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01,
                              -2.400758277161838e+00, -2.549732539343734e+00,
                              4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[4] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                              3.754408661907416e+00};
  if (u < 0.02425) {
    const double q = sqrt(-2.0 * log(u));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  const double q = u - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

/* One Halley step towards the root of Phi(x) = u, REQUIRES: 0 < u <= 0.5. The residual is taken
 * where it keeps its relative precision: in the tail as erfc(-x / sqrt 2) / 2 - u (erfc is
 * accurate far out, which is why inverse_normal_cdf reflects the upper half rather than refining
 * near 1), in the centre as erf(x / sqrt 2) / 2 - (u - 1/2), since Phi(x) - u would cancel to
 * nothing near u = 1/2 where x is tiny. */
static inline double halley_refine(double x, double u) {
  const double sqrt_half = 0.70710678118654752440;
  const double sqrt_two_pi = 2.50662827463100050242;
  const double residual =
      u < 0.02425 ? 0.5 * erfc(-x * sqrt_half) - u : 0.5 * erf(x * sqrt_half) - (u - 0.5);
  const double step = residual * sqrt_two_pi * exp(0.5 * x * x); /* residual / phi(x) */
  return x - step / (1.0 + 0.5 * x * step);
}

/* Phi^-1(u). REQUIRES: 0 < u < 1. For u > 1/2, 1 - u is exact, so the reflection loses nothing. */
static inline double inverse_normal_cdf(double u) {
  if (u <= 0.5) return halley_refine(acklam_lower_half(u), u);
  const double v = 1.0 - u;
  return -halley_refine(acklam_lower_half(v), v);
}

#endif /* SIMSEL_EXAMPLES_INVERSE_NORMAL_H */
