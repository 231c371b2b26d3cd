// See estimates.h.
#include "broker/procedures/estimates.h"

#include <algorithm>
#include <cstdio>

namespace simsel {
SystemEstimate estimate_of(std::uint64_t system, const WelfordAccumulator& outputs) {
  return {system, outputs.mean, outputs.stddev(), outputs.count};
}

void LeaderBoard::offer(std::uint64_t system, const WelfordAccumulator& outputs) {
  if (outputs.count == 0) return;
  if (leaders_.size() == capacity_ && !better(outputs.mean, leaders_.back().mean)) return;
  // Insert after every leader at least as good, so earlier systems win ties.
  const auto position =
      std::find_if(leaders_.begin(), leaders_.end(),
                   [&](const SystemEstimate& leader) { return better(outputs.mean, leader.mean); });
  leaders_.insert(position, estimate_of(system, outputs));
  if (leaders_.size() > capacity_) leaders_.pop_back();
}

std::string indifference_zone_guarantee(double alpha, double delta) {
  // %g keeps "95%" and "97.5%" short while showing every digit the user gave.
  char text[160];
  std::snprintf(text, sizeof text,
                "with probability at least %.10g%%, its mean is within %.10g of the best",
                (1 - alpha) * 100, delta);
  return text;
}

ProcedureProgress progress_without_elimination(std::string stage, bool done,
                                               const std::vector<WelfordAccumulator>& outputs,
                                               std::uint64_t replications, bool maximize) {
  ProcedureProgress progress;
  progress.stage = std::move(stage);
  progress.survivors = done ? 1 : outputs.size();
  progress.replications = replications;
  LeaderBoard leaders(kLeaderCount, maximize);
  for (std::uint64_t system = 0; system < outputs.size(); ++system)
    leaders.offer(system, outputs[system]);
  progress.leaders = leaders.leaders();
  return progress;
}

}  // namespace simsel
