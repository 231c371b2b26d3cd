// See kn.h. All the screening lives in KnContest; this adapts it to the Procedure interface.
#include "broker/procedures/kn.h"

#include <numeric>
#include "broker/procedures/procedure_catalog.h"

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

namespace {

Result<std::unique_ptr<Procedure>> make_kn(const ProcedureSpec& spec, std::uint64_t system_count) {
  if (system_count > KnProcedure::kMaxSystems) {
    return make_error("procedure: kn keeps every pairwise variance and supports at most " +
                      std::to_string(KnProcedure::kMaxSystems) + " systems, got " +
                      std::to_string(system_count) + "; use kt or rinott");
  }
  return std::unique_ptr<Procedure>(std::make_unique<KnProcedure>(spec, system_count));
}

}  // namespace

const ProcedureDescription& kn_description() {
  static const ProcedureDescription description{
      "kn",
      "Kim and Nelson (2001) fully sequential: eliminates clearly worse systems early; at most "
      "4096 systems",
      true,
      kIndifferenceZoneGuarantee,
      2,
      nlohmann::json::object(),
      make_kn};
  return description;
}

}  // namespace simsel
