// See gsp.h. Each stage raises the targets of every system it concerns at once (a wave), then
// waits until the store holds the whole wave; outputs are folded in replication order as they
// become contiguous, so progress shows live means, but variances, batch sizes, eliminations and
// the selection are computed only from complete waves: the same for any arrival order. Stages
// that need no new outputs (a batch size of 0, Rinott sizes already reached) pass within one
// advance(), so the procedure never waits for work it did not ask for.
#include "broker/procedures/gsp.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "broker/procedures/gsp_screen.h"
#include "broker/procedures/procedure_catalog.h"
#include "broker/procedures/gsp_constant.h"
#include "broker/procedures/rinott_constant.h"

namespace simsel {
namespace {

// Sample sizes beyond 2^53 could not be counted exactly in a double and would never be reached;
// the cap only keeps the conversions defined for absurd variances or beta.
constexpr double kLargestSampleSize = 9007199254740992.0;

std::uint64_t sample_size(double wanted) {
  return static_cast<std::uint64_t>(std::min(std::ceil(wanted), kLargestSampleSize));
}

}  // namespace

GspProcedure::GspProcedure(const ProcedureSpec& spec, std::uint64_t system_count,
                           const GspSettings& settings)
    : PerSystemProcedure(system_count, spec.n0),
      spec_(spec),
      settings_(settings),
      stage_one_variances_(system_count, 0.0),
      batches_(system_count, 0),
      survivors_(system_count) {
  std::iota(survivors_.begin(), survivors_.end(), 0u);
  if (spec.n0 == 0) start_stage_one();
}

void GspProcedure::advance(SampleStore& store) {
  while (stage_ != Stage::kDone) {
    fold_new_outputs(store);
    if (!all_targets_met()) return;
    finish_stage(store);
  }
}

void GspProcedure::finish_stage(SampleStore& store) {
  switch (stage_) {
    case Stage::kStageZero:
      // Stage 0 only times the systems (the broker measures every task); its outputs go unused.
      discard_outputs_before(spec_.n0);
      start_stage_one();
      return;
    case Stage::kStageOne:
      end_stage_one();
      screen(store);
      return;
    case Stage::kScreening:
      screen(store);
      return;
    case Stage::kRinott:
      select_best();
      return;
    case Stage::kDone:
      return;
  }
}

void GspProcedure::start_stage_one() {
  stage_ = Stage::kStageOne;
  for (std::uint32_t system : survivors_) set_target(system, rep_of_output(settings_.n1));
}

// Fixes S_i^2 and b_i = ceil(beta S_i / mean S): noisier systems get proportionally larger
// batches, so each round shrinks every pairwise threshold by about the same factor.
void GspProcedure::end_stage_one() {
  double sum_of_deviations = 0;
  for (std::uint64_t system = 0; system < outputs_.size(); ++system) {
    stage_one_variances_[system] = outputs_[system].variance();
    sum_of_deviations += std::sqrt(stage_one_variances_[system]);
  }
  const double mean_deviation = sum_of_deviations / static_cast<double>(outputs_.size());
  if (mean_deviation == 0) return;  // no noise anywhere: batches stay 0, screening settles it
  for (std::uint64_t system = 0; system < outputs_.size(); ++system) {
    batches_[system] =
        sample_size(settings_.beta * std::sqrt(stage_one_variances_[system]) / mean_deviation);
  }
}

void GspProcedure::screen(SampleStore& store) {
  const double direction = spec_.maximize ? 1.0 : -1.0;
  const double last_round = static_cast<double>(settings_.r_bar);
  std::vector<ScreenedSystem> entries;
  entries.reserve(survivors_.size());
  for (std::uint32_t system : survivors_) {
    const double variance = stage_one_variances_[system];
    const double final_size = settings_.n1 + last_round * static_cast<double>(batches_[system]);
    entries.push_back({direction * outputs_[system].mean,
                       variance / static_cast<double>(outputs_[system].count),
                       variance / final_size});
  }
  const double c = settings_.eta * std::sqrt(static_cast<double>(settings_.n1 - 1));
  const std::vector<bool> eliminated = gsp_screen(entries, c).eliminated;

  std::vector<std::uint32_t> kept;
  kept.reserve(survivors_.size());
  for (std::size_t position = 0; position < survivors_.size(); ++position) {
    const std::uint32_t system = survivors_[position];
    if (!eliminated[position]) {
      kept.push_back(system);
      continue;
    }
    set_target(system, rep_of_output(outputs_[system].count));
    store.release(system, store.contiguous(system));
  }
  survivors_.swap(kept);

  if (survivors_.size() == 1) {
    select_best();  // nothing left to compare: the Rinott stage could not change the answer
  } else if (round_ == settings_.r_bar) {
    start_rinott_stage();
  } else {
    start_round();
  }
}

void GspProcedure::start_round() {
  stage_ = Stage::kScreening;
  ++round_;
  for (std::uint32_t system : survivors_) {
    set_target(system, rep_of_output(outputs_[system].count + batches_[system]));
  }
}

// N_i = max(n_i, ceil((h S_i / delta)^2)) with the stage-1 S_i, as in Rinott's second stage.
void GspProcedure::start_rinott_stage() {
  stage_ = Stage::kRinott;
  const double scale = settings_.h / spec_.delta;
  for (std::uint32_t system : survivors_) {
    const std::uint64_t rinott_size = sample_size(scale * scale * stage_one_variances_[system]);
    set_target(system, rep_of_output(std::max(outputs_[system].count, rinott_size)));
  }
}

void GspProcedure::select_best() {
  best_ = best_among(survivors_, outputs_, spec_.maximize);
  stage_ = Stage::kDone;
}

Selection GspProcedure::selection() const {
  return {best_, replications_consumed_,
          indifference_zone_guarantee(settings_.alpha1 + settings_.alpha2, spec_.delta)};
}

std::string GspProcedure::stage_name() const {
  switch (stage_) {
    case Stage::kStageZero:
      return "stage 0";
    case Stage::kStageOne:
      return "stage 1";
    case Stage::kScreening:
      return "screening";
    case Stage::kRinott:
      return "rinott stage";
    case Stage::kDone:
      break;
  }
  return "done";
}

ProcedureProgress GspProcedure::progress() const {
  ProcedureProgress progress;
  progress.stage = stage_name();
  if (stage_ == Stage::kScreening) {
    progress.round = round_;
    progress.rounds = settings_.r_bar;
  }
  progress.survivors = survivors_.size();
  progress.replications = replications_consumed_;
  progress.leaders = leaders_among(survivors_, outputs_, spec_.maximize, kLeaderCount);
  return progress;
}

namespace {

// GSP's parameters with PyPRS's defaults: n1 = 50, r_bar = 10, beta = 100, alpha1 = alpha2 =
// alpha / 2; then its two constants.
Result<std::unique_ptr<Procedure>> make_gsp(const ProcedureSpec& spec, std::uint64_t system_count) {
  GspSettings settings;
  settings.n1 = spec.params["n1"].get<std::uint32_t>();
  settings.r_bar = spec.params["r_bar"].get<std::uint32_t>();
  settings.beta = spec.params["beta"].get<double>();
  settings.alpha1 = spec.params.value("alpha1", spec.alpha / 2);
  settings.alpha2 = spec.params.value("alpha2", spec.alpha / 2);
  if (!(settings.alpha1 + settings.alpha2 < 1))
    return make_error("params.alpha2: alpha1 + alpha2 must be < 1");
  Result<double> eta = gsp_eta(system_count, settings.alpha1, settings.n1);
  if (!eta) return make_error("procedure: " + eta.error().message);
  Result<double> h = rinott_h(system_count, 1 - settings.alpha2, settings.n1 - 1);
  if (!h) return make_error("procedure: " + h.error().message);
  settings.eta = *eta;
  settings.h = *h;
  return std::unique_ptr<Procedure>(std::make_unique<GspProcedure>(spec, system_count, settings));
}

nlohmann::json probability(const char* help) {
  return {{"type", "number"}, {"exclusiveMinimum", 0}, {"exclusiveMaximum", 1}, {"help", help}};
}

}  // namespace

const ProcedureDescription& gsp_description() {
  static const ProcedureDescription description{
      "gsp",
      "good selection procedure (Ni, Ciocan, Henderson and Hunter 2017): stage 1, screening "
      "rounds in batches, then Rinott on the survivors",
      true,
      kIndifferenceZoneGuarantee,
      0,  // n0 replications per system only time the systems (stage 0)
      {{"n1",
        {{"type", "integer"},
         {"minimum", 2},
         {"maximum", 1'000'000},
         {"default", 50},
         {"help", "stage-1 replications per system (they estimate variances)"}}},
       {"r_bar",
        {{"type", "integer"},
         {"minimum", 1},
         {"maximum", 1'000'000},
         {"default", 10},
         {"help", "screening rounds, at most"}}},
       {"beta",
        {{"type", "number"},
         {"exclusiveMinimum", 0},
         {"maximum", 1e9},
         {"default", 100},
         {"help", "average batch size of a screening round"}}},
       {"alpha1", probability("error spent on screening; default alpha/2")},
       {"alpha2", probability("error spent on the Rinott stage; default alpha/2")}},
      make_gsp};
  return description;
}

}  // namespace simsel
