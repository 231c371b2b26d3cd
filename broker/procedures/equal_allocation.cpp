// See equal_allocation.h. Outputs are folded strictly in replication order and only up to each
// share, and the selection is made once every share is complete, so the means, the selection
// and the total do not depend on the order results arrived in.
#include "broker/procedures/equal_allocation.h"

#include <algorithm>
#include <string>

#include "broker/procedures/estimates.h"

namespace simsel {
namespace {}  // namespace

EqualAllocationProcedure::EqualAllocationProcedure(const ProcedureSpec& spec,
                                                   std::uint64_t system_count, std::uint64_t budget)
    : PerSystemProcedure(system_count, budget / system_count),
      maximize_(spec.maximize),
      budget_(budget) {
  // The remainder goes one each to the first systems.
  for (std::uint64_t system = 0; system < budget % system_count; ++system) ++targets_[system];
  short_systems_.reserve(system_count);
  for (std::uint64_t system = 0; system < system_count; ++system) short_systems_.push_back(system);
}

void EqualAllocationProcedure::consume_available(SampleStore& store, std::uint64_t system) {
  WelfordAccumulator& outputs = outputs_[system];
  const std::uint64_t begin = outputs.count;
  const std::uint64_t end = std::min(store.contiguous(system), targets_[system]);
  if (end <= begin) return;
  for (std::uint64_t rep = begin; rep < end; ++rep) outputs.add(store.at(system, rep));
  replications_consumed_ += end - begin;
  store.release(system, end);
}

// Only the systems still short are visited, so late calls cost little even for 10^6 systems.
void EqualAllocationProcedure::advance(SampleStore& store) {
  if (stage_ == Stage::kDone) return;
  std::erase_if(short_systems_, [&](std::uint64_t system) {
    consume_available(store, system);
    return outputs_[system].count == targets_[system];
  });
  if (short_systems_.empty()) select_best();
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

}  // namespace simsel
