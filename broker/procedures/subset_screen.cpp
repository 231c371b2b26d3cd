// See subset_screen.h. Only the Pareto frontier matters: if j' has a score at least j's and a
// variance at most j's, the bound j' sets on i is at least as tight (the allowance grows with
// v_j), and a j whose score is not above i's sets no bound at all (i itself included). So each
// i is checked against the frontier members that score above it, in decreasing score, after
// two O(1) tests: against the top scorer (a sure elimination) and against the loosest bound any
// frontier member could set (a sure survival). The cost is O(k log k) for the sort plus, for
// the systems the O(1) tests leave open, the frontier members above them: O(k |F|) at worst,
// when scores rise with variances; small in the usual configurations.
#include "broker/procedures/subset_screen.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace simsel {

std::vector<std::uint64_t> subset_screen(std::span<const ScreenInput> systems, double t,
                                         double delta) {
  std::vector<std::uint64_t> order(systems.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::uint64_t a, std::uint64_t b) {
    if (systems[a].score != systems[b].score) return systems[a].score > systems[b].score;
    if (systems[a].variance != systems[b].variance) {
      return systems[a].variance < systems[b].variance;
    }
    return a < b;
  });
  // Decreasing score and strictly decreasing variance.
  std::vector<std::uint64_t> frontier;
  for (std::uint64_t system : order) {
    if (frontier.empty() || systems[system].variance < systems[frontier.back()].variance) {
      frontier.push_back(system);
    }
  }
  const auto allowance = [&](std::uint64_t i, std::uint64_t j) {
    return std::max(0.0, t * std::sqrt(systems[i].variance + systems[j].variance) - delta);
  };
  const std::uint64_t top = frontier.front();
  const std::uint64_t least_variance = frontier.back();
  const auto survives = [&](std::uint64_t i) {
    const double score = systems[i].score;
    if (score < systems[top].score - allowance(i, top)) return false;
    if (score >= systems[top].score - allowance(i, least_variance)) return true;
    for (std::uint64_t j : frontier) {
      if (systems[j].score <= score) break;
      if (score < systems[j].score - allowance(i, j)) return false;
    }
    return true;
  };
  std::vector<std::uint64_t> kept;
  for (std::uint64_t i = 0; i < systems.size(); ++i) {
    if (survives(i)) kept.push_back(i);
  }
  return kept;
}

}  // namespace simsel
