// See kn.h. All the screening lives in KnContest; this adapts it to the Procedure interface.
#include "broker/procedures/kn.h"

#include <numeric>

namespace simsel {
namespace {

std::vector<std::uint32_t> all_systems(std::uint64_t system_count) {
  std::vector<std::uint32_t> systems(system_count);
  std::iota(systems.begin(), systems.end(), 0u);
  return systems;
}

}  // namespace

KnProcedure::KnProcedure(const ProcedureSpec& spec, std::uint64_t system_count)
    : PerSystemProcedure(system_count, spec.n0),
      spec_(spec),
      contest_(
          all_systems(system_count), 0,
          {spec.delta, spec.n0, spec.maximize, kn_constants(system_count, spec.alpha, spec.n0)}) {}

void KnProcedure::advance(SampleStore& store) {
  replications_consumed_ += contest_.advance(store, targets_, outputs_);
}

Selection KnProcedure::selection() const {
  const std::uint32_t winner = contest_.winner();
  return {estimate_of(winner, outputs_[winner]), replications_consumed_,
          indifference_zone_guarantee(spec_.alpha, spec_.delta)};
}

ProcedureProgress KnProcedure::progress() const {
  ProcedureProgress progress;
  progress.stage = contest_.decided()          ? "done"
                   : contest_.in_first_stage() ? "first stage"
                                               : "screening";
  progress.survivors = contest_.survivor_count();
  progress.replications = replications_consumed_;
  LeaderBoard leaders(kLeaderCount, spec_.maximize);
  contest_.for_each_survivor(
      [&](std::uint32_t system) { leaders.offer(system, outputs_[system]); });
  progress.leaders = leaders.leaders();
  return progress;
}

}  // namespace simsel
