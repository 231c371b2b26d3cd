// See equal_allocation.h. Outputs are folded strictly in replication order and only up to each
// share, and the selection is made once every share is complete, so the means, the selection
// and the total do not depend on the order results arrived in.
#include "broker/procedures/equal_allocation.h"

#include <string>

#include "broker/procedures/estimates.h"
#include "broker/procedures/procedure_catalog.h"

namespace simsel {

EqualAllocationProcedure::EqualAllocationProcedure(const ProcedureSpec& spec,
                                                   std::uint64_t system_count, std::uint64_t budget)
    : PerSystemProcedure(system_count, budget / system_count),
      maximize_(spec.maximize),
      budget_(budget) {
  // The remainder goes one each to the first systems.
  for (std::uint64_t system = 0; system < budget % system_count; ++system) {
    set_target(system, targets_[system] + 1);
  }
}

Status EqualAllocationProcedure::extend_budget(std::uint64_t budget) {
  if (Status larger = check_larger_budget(budget, budget_); !larger) return larger;
  budget_ = budget;
  const std::uint64_t systems = targets_.size();
  for (std::uint64_t system = 0; system < systems; ++system)
    set_target(system, budget / systems + (system < budget % systems ? 1 : 0));
  return Ok{};
}

void EqualAllocationProcedure::advance(SampleStore& store) {
  if (stage_ == Stage::kDone) return;
  fold_new_outputs(store);
  if (all_targets_met()) select_best();
}

void EqualAllocationProcedure::select_best() {
  LeaderBoard best(1, maximize_);
  for (std::uint64_t system = 0; system < outputs_.size(); ++system) {
    best.offer(system, outputs_[system]);
  }
  best_ = best.leaders().front();
  stage_ = Stage::kDone;
}

Selection EqualAllocationProcedure::selection() const {
  return {best_, replications_consumed_,
          "fixed budget of " + std::to_string(budget_) +
              " replications: no probability-of-correct-selection guarantee"};
}

ProcedureProgress EqualAllocationProcedure::progress() const {
  return progress_without_elimination(stage_ == Stage::kDone ? "done" : "sampling",
                                      stage_ == Stage::kDone, outputs_, replications_consumed_,
                                      maximize_);
}

namespace {

Result<std::unique_ptr<Procedure>> make_equal(const ProcedureSpec& spec, std::uint64_t system_count) {
  if (Status budget = check_budget(spec, system_count); !budget) return budget.error();
  return std::unique_ptr<Procedure>(std::make_unique<EqualAllocationProcedure>(
      spec, system_count, spec.params["budget"].get<std::uint64_t>()));
}

}  // namespace

const ProcedureDescription& equal_description() {
  static const ProcedureDescription description{
      "equal",
      "equal allocation of a fixed budget; the best sample mean wins",
      false,
      kFixedBudgetGuarantee,
      2,
      {{"budget", budget_schema()}},
      make_equal};
  return description;
}

}  // namespace simsel
