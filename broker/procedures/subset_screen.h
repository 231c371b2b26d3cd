// The screen of NSGS's first stage (Gupta-style subset selection with unequal variances) as a
// pure function: which systems no other system beats by more than max(0, W_ij - delta), with
// W_ij = t sqrt(v_i + v_j), v = S^2 / n0. Exact, and not a scan of all k^2 pairs: see the .cpp.
// Thread-safe (no state).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace simsel {

struct ScreenInput {
  double score = 0;     // the sample mean, negated when smaller is better
  double variance = 0;  // of the mean: S^2 / n0
};

// Returns the indices i of `systems` with score_i >= score_j - max(0, t sqrt(v_i + v_j) - delta)
// for every j, in increasing order.
std::vector<std::uint64_t> subset_screen(std::span<const ScreenInput> systems, double t,
                                         double delta);

}  // namespace simsel
