// See nsgs.h. The screen waits for the first stage of every system (it compares all of them),
// then runs once; survivors go on to their Rinott sample sizes independently. Outputs are folded
// strictly in replication order, so the screen and the selection do not depend on the order
// results arrived in.
#include "broker/procedures/nsgs.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>

#include "broker/procedures/rinott_constant.h"
#include "broker/procedures/subset_screen.h"
#include "broker/procedures/procedure_catalog.h"

namespace simsel {
namespace {

// N_i beyond 2^53 could not be counted exactly in a double, and no job would finish it anyway.
constexpr double kLargestSampleSize = 9007199254740992.0;

}  // namespace

Result<NsgsConstants> nsgs_constants(std::uint64_t systems, double alpha, std::uint32_t n0) {
  const double screen_alpha = alpha / 2;
  const double level = std::pow(1 - screen_alpha, 1.0 / static_cast<double>(systems - 1));
  const boost::math::students_t_distribution<double> student(n0 - 1.0);
  Result<double> h = rinott_h(systems, 1 - alpha / 2, n0 - 1);
  if (!h) return h.error();
  return NsgsConstants{boost::math::quantile(student, level), *h};
}

NsgsProcedure::NsgsProcedure(const ProcedureSpec& spec, std::uint64_t system_count,
                             const NsgsConstants& constants)
    : PerSystemProcedure(system_count, spec.n0), spec_(spec), constants_(constants) {}

void NsgsProcedure::advance(SampleStore& store) {
  if (stage_ == Stage::kDone) return;
  fold_new_outputs(store);
  if (stage_ == Stage::kFirstStage && all_targets_met()) {
    screen_and_start_second_stage();
    fold_new_outputs(store);
  }
  if (stage_ == Stage::kSecondStage && all_targets_met()) finish();
}

void NsgsProcedure::screen_and_start_second_stage() {
  const double direction = spec_.maximize ? 1.0 : -1.0;
  std::vector<ScreenInput> inputs(outputs_.size());
  for (std::uint64_t system = 0; system < outputs_.size(); ++system) {
    inputs[system] = {direction * outputs_[system].mean,
                      outputs_[system].variance() / static_cast<double>(spec_.n0)};
  }
  survivors_ = subset_screen(inputs, constants_.t, spec_.delta);
  stage_ = Stage::kSecondStage;
  if (survivors_.size() == 1) return;  // already decided: finish() picks it
  for (std::uint64_t system : survivors_) {
    const double root = constants_.h * outputs_[system].stddev() / spec_.delta;
    const double size = std::min(std::ceil(root * root), kLargestSampleSize);
    set_target(system, std::max<std::uint64_t>(spec_.n0, static_cast<std::uint64_t>(size)));
  }
}

void NsgsProcedure::finish() {
  best_ = best_among(survivors_, outputs_, spec_.maximize);
  stage_ = Stage::kDone;
}

Selection NsgsProcedure::selection() const {
  return {best_, replications_consumed_, indifference_zone_guarantee(spec_.alpha, spec_.delta)};
}

ProcedureProgress NsgsProcedure::progress() const {
  if (stage_ == Stage::kFirstStage) {
    return progress_without_elimination("first stage", false, outputs_, replications_consumed_,
                                        spec_.maximize);
  }
  ProcedureProgress progress;
  progress.stage = stage_ == Stage::kDone ? "done" : "second stage";
  progress.survivors = stage_ == Stage::kDone ? 1 : survivors_.size();
  progress.replications = replications_consumed_;
  progress.leaders = leaders_among(survivors_, outputs_, spec_.maximize, kLeaderCount);
  return progress;
}

namespace {

Result<std::unique_ptr<Procedure>> make_nsgs(const ProcedureSpec& spec, std::uint64_t system_count) {
  Result<NsgsConstants> constants = nsgs_constants(system_count, spec.alpha, spec.n0);
  if (!constants) return make_error("procedure: " + constants.error().message);
  return std::unique_ptr<Procedure>(
      std::make_unique<NsgsProcedure>(spec, system_count, *constants));
}

}  // namespace

const ProcedureDescription& nsgs_description() {
  static const ProcedureDescription description{
      "nsgs",
      "Nelson, Swann, Goldsman and Song (2001): screen after n0, then Rinott on the survivors",
      true,
      kIndifferenceZoneGuarantee,
      2,
      nlohmann::json::object(),
      make_nsgs};
  return description;
}

}  // namespace simsel
