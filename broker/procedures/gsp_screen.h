// GSP's screening step (Ni, Ciocan, Henderson and Hunter 2017): among the survivors of a round,
// every system that trails some other by more than their pairwise threshold is eliminated, all
// at once. Exact (the same decisions as comparing every pair) but far below O(k^2) in practice,
// by branch and bound over the systems ordered by variance. Pure function; no state.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace simsel {

struct ScreenedSystem {
  double score = 0;  // sample mean, oriented so that larger is better
  double p = 0;      // S_i^2 / n_i(r): variance of the current mean, estimated
  double q = 0;      // S_i^2 / N_i, N_i = n1 + r_bar b_i: the same after the last round
};

// The threshold of pair (a, b): c (p_a + p_b) / sqrt(q_a + q_b), c = eta sqrt(n1 - 1); 0 when
// both variances are 0. It is PyPRS's rule Y_ab < -a_ab written without divisions by the means'
// variances: Y_ab = (mean_a - mean_b) / (p_a + p_b), a_ab = eta sqrt((n1 - 1) / (q_a + q_b)).
inline double pair_threshold(double c, const ScreenedSystem& a, const ScreenedSystem& b) {
  const double q_sum = a.q + b.q;
  return q_sum > 0 ? c * (a.p + b.p) / std::sqrt(q_sum) : 0.0;
}

struct ScreenOutcome {
  std::vector<bool> eliminated;   // by position in the input
  std::uint64_t pair_checks = 0;  // exact pair thresholds evaluated (the cost, for tests)
};

// System a is eliminated when some other b has score_b - pair_threshold(c, a, b) > score_a.
// REQUIRES: c >= 0; for every system p >= q >= 0 and q == 0 only if p == 0.
ScreenOutcome gsp_screen(std::span<const ScreenedSystem> systems, double c);

}  // namespace simsel
