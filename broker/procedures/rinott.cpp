// See rinott.h. Each system moves through its two stages on its own: as soon as its first n0
// outputs are in, its N_i is known and its target rises, without waiting for slower systems,
// which keeps workers busy. Outputs are folded strictly in replication order, so the means, and
// hence the selection, do not depend on the order results arrived in.
#include "broker/procedures/rinott.h"

#include <algorithm>
#include <cmath>

#include "broker/procedures/estimates.h"
#include "broker/procedures/procedure_catalog.h"
#include "broker/procedures/rinott_constant.h"

namespace simsel {
namespace {

// N_i beyond 2^53 could not be counted exactly in a double, and no job would finish it anyway;
// the cap only keeps the conversion defined for absurd variances.
constexpr double kLargestSampleSize = 9007199254740992.0;

}  // namespace

RinottProcedure::RinottProcedure(const ProcedureSpec& spec, std::uint64_t system_count, double h)
    : PerSystemProcedure(system_count, spec.n0),
      spec_(spec),
      h_(h),
      systems_in_first_stage_(system_count) {}

std::uint64_t RinottProcedure::total_sample_size(double first_stage_variance) const {
  const double root = h_ * std::sqrt(first_stage_variance) / spec_.delta;
  const double size = std::min(std::ceil(root * root), kLargestSampleSize);
  return std::max<std::uint64_t>(spec_.n0, static_cast<std::uint64_t>(size));
}

// A system that reaches n0 outputs (the target it starts with) learns its N_i at once; if that is
// more, the outputs already in the store are folded in the same advance.
void RinottProcedure::advance(SampleStore& store) {
  if (stage_ == Stage::kDone) return;
  bool targets_rose = true;
  while (targets_rose) {
    targets_rose = false;
    for (std::uint64_t system : fold_new_outputs(store)) {
      if (outputs_[system].count != spec_.n0) continue;  // reached N_i, not n0
      --systems_in_first_stage_;
      const std::uint64_t total = total_sample_size(outputs_[system].variance());
      if (total == spec_.n0) continue;
      set_target(system, total);
      targets_rose = true;
    }
  }
  update_stage();
}

void RinottProcedure::update_stage() {
  if (all_targets_met()) {
    LeaderBoard best(1, spec_.maximize);
    for (std::uint64_t system = 0; system < outputs_.size(); ++system) {
      best.offer(system, outputs_[system]);
    }
    best_ = best.leaders().front();
    stage_ = Stage::kDone;
  } else if (systems_in_first_stage_ == 0) {
    stage_ = Stage::kSecondStage;
  }
}

Selection RinottProcedure::selection() const {
  return {best_, replications_consumed_, indifference_zone_guarantee(spec_.alpha, spec_.delta)};
}

std::string RinottProcedure::stage_name() const {
  switch (stage_) {
    case Stage::kFirstStage:
      return "first stage";
    case Stage::kSecondStage:
      return "second stage";
    case Stage::kDone:
      break;
  }
  return "done";
}

ProcedureProgress RinottProcedure::progress() const {
  return progress_without_elimination(stage_name(), stage_ == Stage::kDone, outputs_,
                                      replications_consumed_, spec_.maximize);
}

namespace {

Result<std::unique_ptr<Procedure>> make_rinott(const ProcedureSpec& spec, std::uint64_t system_count) {
  Result<double> h = rinott_h(system_count, 1 - spec.alpha, spec.n0 - 1);
  if (!h) return make_error("procedure: " + h.error().message);
  return std::unique_ptr<Procedure>(
      std::make_unique<RinottProcedure>(spec, system_count, *h));
}

}  // namespace

const ProcedureDescription& rinott_description() {
  static const ProcedureDescription description{
      "rinott",
      "Rinott (1978) two-stage: n0 of every system, then N_i from its first-stage variance",
      true,
      kIndifferenceZoneGuarantee,
      2,
      nlohmann::json::object(),
      make_rinott};
  return description;
}

}  // namespace simsel
