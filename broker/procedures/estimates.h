// Views over the per-system running estimates that every procedure keeps (one Welford
// accumulator per system): which direction is better, the best few systems, and the
// indifference-zone guarantee in words. Shared by the procedures; pure functions and values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "broker/procedures/procedure.h"
#include "common/stats/welford.h"

namespace simsel {

// The estimate of `system` from its consumed outputs.
SystemEstimate estimate_of(std::uint64_t system, const WelfordAccumulator& outputs);

// Keeps the `capacity` best systems offered, by sample mean in the job's direction. Offer
// systems in increasing index order: on equal means the earlier system stays ahead, so ties
// break towards the lower index. Systems without outputs are ignored.
class LeaderBoard {
 public:
  // REQUIRES: capacity >= 1
  LeaderBoard(std::size_t capacity, bool maximize) : capacity_(capacity), maximize_(maximize) {}

  void offer(std::uint64_t system, const WelfordAccumulator& outputs);

  // Best first.
  const std::vector<SystemEstimate>& leaders() const { return leaders_; }

 private:
  bool better(double mean, double than) const { return maximize_ ? mean > than : mean < than; }

  std::size_t capacity_;
  bool maximize_;
  std::vector<SystemEstimate> leaders_;
};

// The `capacity` best of `systems` (offered in their order), best first, by sample mean in the
// job's direction: the leaders, or the selection, of a procedure that keeps a survivor list.
template <class Systems>
std::vector<SystemEstimate> leaders_among(const Systems& systems,
                                          const std::vector<WelfordAccumulator>& outputs,
                                          bool maximize, std::size_t capacity) {
  LeaderBoard board(capacity, maximize);
  for (auto system : systems) board.offer(system, outputs[system]);
  return board.leaders();
}

// REQUIRES: some system in `systems` has outputs
template <class Systems>
SystemEstimate best_among(const Systems& systems, const std::vector<WelfordAccumulator>& outputs,
                          bool maximize) {
  return leaders_among(systems, outputs, maximize, 1).front();
}

// How many leaders a procedure reports in its progress.
inline constexpr std::size_t kLeaderCount = 5;

// Progress of a procedure that eliminates nobody (Rinott, equal allocation, OCBA): every
// system is in contention until the selection, and the leaders are the best means overall.
ProcedureProgress progress_without_elimination(std::string stage, bool done,
                                               const std::vector<WelfordAccumulator>& outputs,
                                               std::uint64_t replications, bool maximize);

// "with probability at least 95%, its mean is within 0.1 of the best"
std::string indifference_zone_guarantee(double alpha, double delta);

}  // namespace simsel
