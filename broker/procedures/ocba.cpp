// See ocba.h. A round is computed only when every system has exactly its target in outputs, and
// outputs are folded in replication order, so every round sees the same means and variances,
// and makes the same decisions, whatever order results arrived in.
//
// A round with total T = allocated + added works in three steps:
//  1. Weights (Chen et al. 2000, Theorem 1), b the current best sample mean, d_i its gap to i:
//     w_i = (s_i / d_i)^2 for i != b, and w_b = s_b sqrt(sum_{i != b} w_i^2 / s_i^2).
//  2. Water level c: the ideal total of system i is max(n_i, c w_i), with n_i its target so
//     far, and c chosen so that these sum to T. Systems that already have more than their
//     share keep it (targets never fall) and the rest share what is left in the OCBA ratios:
//     the fixed point of Chen's "drop the over-allocated and re-solve" loop, found by one sort.
//  3. Rounding: the increments are rounded by their running sum, so each system gets the floor
//     or the ceiling of its ideal increment and the round adds exactly `added`.
#include "broker/procedures/ocba.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "broker/procedures/estimates.h"
#include "broker/procedures/procedure_catalog.h"

namespace simsel {
namespace {

// The default increment aims at about this many rounds.
constexpr std::uint64_t kDefaultRounds = 100;

// A gap below this many of the largest sample standard deviation counts as this: telling such
// systems apart would take some 10^12 replications, so they are tied for any real budget. The
// floor keeps w_i finite for exact ties (equal sample means of discrete or constant outputs).
constexpr double kTieGap = 1e-6;

std::uint64_t best_system(const std::vector<WelfordAccumulator>& outputs, bool maximize) {
  LeaderBoard best(1, maximize);
  for (std::uint64_t system = 0; system < outputs.size(); ++system) {
    best.offer(system, outputs[system]);
  }
  return best.leaders().front().system;
}

// Step 1. Standard deviations and gaps are measured in units of the largest standard deviation,
// which leaves the weights unchanged (they are scale-free) and keeps every term below 10^24.
// Constant outputs have s_i = 0 and weight 0: their mean is known. If every system is constant
// there is nothing to learn, and the budget is spread evenly.
std::vector<double> ocba_weights(const std::vector<WelfordAccumulator>& outputs,
                                 std::uint64_t best) {
  double largest_stddev = 0;
  for (const WelfordAccumulator& system : outputs) {
    largest_stddev = std::max(largest_stddev, system.stddev());
  }
  if (largest_stddev == 0) return std::vector<double>(outputs.size(), 1.0);
  std::vector<double> weights(outputs.size(), 0.0);
  double sum_of_squares = 0;  // sum over i != b of w_i^2 / s_i^2 = (s_i / d_i^2)^2
  for (std::uint64_t system = 0; system < outputs.size(); ++system) {
    if (system == best) continue;
    const double stddev = outputs[system].stddev() / largest_stddev;
    const double gap =
        std::max(std::abs(outputs[best].mean - outputs[system].mean) / largest_stddev, kTieGap);
    weights[system] = (stddev / gap) * (stddev / gap);
    sum_of_squares += (stddev / gap / gap) * (stddev / gap / gap);
  }
  // If only the best varies, the others' means are known and only the best's is worth refining.
  weights[best] = sum_of_squares > 0
                      ? outputs[best].stddev() / largest_stddev * std::sqrt(sum_of_squares)
                      : 1.0;
  return weights;
}

// Step 2. Sum_i max(n_i, c w_i) grows with c; system i starts rising at c = n_i / w_i. Walking
// those thresholds upwards, with the risen systems at c w_i and the others at n_i, the level is
// found where the total reaches `total`. REQUIRES: total > sum of targets, some weight > 0.
double water_level(std::span<const std::uint64_t> targets, const std::vector<double>& weights,
                   double total) {
  std::vector<std::pair<double, std::uint64_t>> thresholds;  // (n_i / w_i, i)
  double fixed = 0;  // sum of n_i over the systems not yet risen
  for (std::uint64_t system = 0; system < targets.size(); ++system) {
    fixed += static_cast<double>(targets[system]);
    if (weights[system] > 0) {
      thresholds.emplace_back(static_cast<double>(targets[system]) / weights[system], system);
    }
  }
  std::sort(thresholds.begin(), thresholds.end());
  double risen_weight = 0;
  for (std::size_t j = 0; j < thresholds.size(); ++j) {
    const std::uint64_t system = thresholds[j].second;
    fixed -= static_cast<double>(targets[system]);
    risen_weight += weights[system];
    const double level = (total - fixed) / risen_weight;
    if (j + 1 == thresholds.size() || level <= thresholds[j + 1].first) return level;
  }
  return 0;  // unreachable while some weight is positive
}

// Step 3. Running-sum rounding: system i's increment is round(E_i) - round(E_{i-1}), E_i the sum
// of the ideal increments up to i, and the last rising system takes what is left, so the total
// is exact despite floating-point error. Returns the systems whose target rises, with their new
// targets.
std::vector<std::pair<std::uint64_t, std::uint64_t>> raised_targets(
    std::span<const std::uint64_t> targets, const std::vector<double>& weights, double level,
    std::uint64_t added) {
  std::vector<double> increments(targets.size());
  std::uint64_t last_rising = 0;
  for (std::uint64_t system = 0; system < targets.size(); ++system) {
    const double ideal = level * weights[system] - static_cast<double>(targets[system]);
    increments[system] = std::max(0.0, ideal);
    if (increments[system] > 0) last_rising = system;
  }
  std::vector<std::pair<std::uint64_t, std::uint64_t>> raised;
  double running_sum = 0;
  std::uint64_t given = 0;
  for (std::uint64_t system = 0; system <= last_rising; ++system) {
    if (increments[system] == 0) continue;
    running_sum += increments[system];
    // Never past `added`, however the rounding errors of the running sum fall.
    const std::uint64_t due =
        system == last_rising
            ? added
            : std::min<std::uint64_t>(static_cast<std::uint64_t>(std::llround(running_sum)), added);
    if (due == given) continue;
    raised.emplace_back(system, targets[system] + (due - given));
    given = due;
  }
  return raised;
}

}  // namespace

std::uint64_t OcbaProcedure::default_increment(std::uint64_t budget, std::uint32_t n0,
                                               std::uint64_t system_count) {
  const std::uint64_t adaptive = budget - std::uint64_t{n0} * system_count;
  return std::max(system_count, (adaptive + kDefaultRounds - 1) / kDefaultRounds);
}

OcbaProcedure::OcbaProcedure(const ProcedureSpec& spec, std::uint64_t system_count,
                             std::uint64_t budget, std::uint64_t increment)
    : PerSystemProcedure(system_count, spec.n0),
      maximize_(spec.maximize),
      budget_(budget),
      increment_(increment),
      allocated_(std::uint64_t{spec.n0} * system_count) {}

// The loop goes on while a round finds its outputs already in the store, which a fresh round
// never does in practice but costs nothing to allow.
Status OcbaProcedure::extend_budget(std::uint64_t budget) {
  if (Status larger = check_larger_budget(budget, budget_); !larger) return larger;
  budget_ = budget;  // the rounds go on until the new budget is allocated
  return Ok{};
}

void OcbaProcedure::advance(SampleStore& store) {
  while (stage_ != Stage::kDone) {
    fold_new_outputs(store);
    if (!all_targets_met()) return;
    if (allocated_ == budget_) {
      select_best();
      return;
    }
    allocate_round();
  }
}

void OcbaProcedure::allocate_round() {
  const std::uint64_t added = std::min(increment_, budget_ - allocated_);
  const std::vector<double> weights = ocba_weights(outputs_, best_system(outputs_, maximize_));
  const double total = static_cast<double>(allocated_ + added);
  const double level = water_level(targets_, weights, total);
  for (const auto& [system, target] : raised_targets(targets_, weights, level, added)) {
    set_target(system, target);
  }
  allocated_ += added;
  ++rounds_;
  stage_ = Stage::kAllocating;
}

void OcbaProcedure::select_best() {
  LeaderBoard best(1, maximize_);
  for (std::uint64_t system = 0; system < outputs_.size(); ++system) {
    best.offer(system, outputs_[system]);
  }
  best_ = best.leaders().front();
  stage_ = Stage::kDone;
}

Selection OcbaProcedure::selection() const {
  return {best_, replications_consumed_,
          "fixed budget of " + std::to_string(budget_) +
              " replications, allocated by OCBA to maximize an approximate probability of "
              "correct selection: no probability-of-correct-selection guarantee"};
}

std::string OcbaProcedure::stage_name() const {
  switch (stage_) {
    case Stage::kFirstStage:
      return "first stage";
    case Stage::kAllocating:
      return "allocation round " + std::to_string(rounds_);
    case Stage::kDone:
      break;
  }
  return "done";
}

ProcedureProgress OcbaProcedure::progress() const {
  return progress_without_elimination(stage_name(), stage_ == Stage::kDone, outputs_,
                                      replications_consumed_, maximize_);
}

namespace {

Result<std::unique_ptr<Procedure>> make_ocba(const ProcedureSpec& spec, std::uint64_t system_count) {
  if (Status budget = check_budget(spec, system_count); !budget) return budget.error();
  const auto budget = spec.params["budget"].get<std::uint64_t>();
  const std::uint64_t increment = spec.params.contains("increment")
                                      ? spec.params["increment"].get<std::uint64_t>()
                                      : OcbaProcedure::default_increment(
                                            budget, spec.n0, system_count);
  return std::unique_ptr<Procedure>(
      std::make_unique<OcbaProcedure>(spec, system_count, budget, increment));
}

}  // namespace

const ProcedureDescription& ocba_description() {
  static const ProcedureDescription description{
      "ocba",
      "optimal computing budget allocation (Chen, Lin, Yucesan and Chick 2000) of a fixed budget",
      false,
      kFixedBudgetGuarantee,
      2,
      {{"budget", budget_schema()},
       {"increment",
        {{"type", "integer"},
         {"minimum", 1},
         {"maximum", 1e15},
         {"help", "replications added per allocation round; default max(k, (N - n0 k)/100)"}}}},
      make_ocba};
  return description;
}

}  // namespace simsel
