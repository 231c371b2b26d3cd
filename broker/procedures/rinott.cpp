// See rinott.h. Each system moves through its two stages on its own: as soon as its first n0
// outputs are in, its N_i is known and its target rises, without waiting for slower systems,
// which keeps workers busy. Outputs are folded strictly in replication order, so the means, and
// hence the selection, do not depend on the order results arrived in.
#include "broker/procedures/rinott.h"

#include <algorithm>
#include <cmath>

#include "broker/procedures/estimates.h"

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
      systems_in_first_stage_(system_count),
      systems_short_of_target_(system_count) {}

std::uint64_t RinottProcedure::total_sample_size(double first_stage_variance) const {
  const double root = h_ * std::sqrt(first_stage_variance) / spec_.delta;
  const double size = std::min(std::ceil(root * root), kLargestSampleSize);
  return std::max<std::uint64_t>(spec_.n0, static_cast<std::uint64_t>(size));
}

void RinottProcedure::fold_outputs(SampleStore& store, std::uint64_t system, std::uint64_t end) {
  WelfordAccumulator& outputs = outputs_[system];
  const std::uint64_t begin = outputs.count;
  if (end <= begin) return;
  for (std::uint64_t rep = begin; rep < end; ++rep) outputs.add(store.at(system, rep));
  replications_consumed_ += end - begin;
  store.release(system, end);
}

// REQUIRES: outputs_[system].count < targets_[system]
void RinottProcedure::consume_available(SampleStore& store, std::uint64_t system) {
  const bool was_in_first_stage = outputs_[system].count < spec_.n0;
  fold_outputs(store, system, std::min(store.contiguous(system), targets_[system]));
  if (was_in_first_stage && outputs_[system].count == spec_.n0) {
    targets_[system] = total_sample_size(outputs_[system].variance());
    --systems_in_first_stage_;
    fold_outputs(store, system, std::min(store.contiguous(system), targets_[system]));
  }
  if (outputs_[system].count == targets_[system]) --systems_short_of_target_;
}

void RinottProcedure::advance(SampleStore& store) {
  if (stage_ == Stage::kDone) return;
  for (std::uint64_t system = 0; system < outputs_.size(); ++system) {
    const std::uint64_t consumed = outputs_[system].count;
    if (consumed < targets_[system] && store.contiguous(system) > consumed) {
      consume_available(store, system);
    }
  }
  update_stage();
}

void RinottProcedure::update_stage() {
  if (systems_short_of_target_ == 0) {
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

}  // namespace simsel
