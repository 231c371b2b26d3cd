// OcbaProcedure: optimal computing budget allocation (Chen, Lin, Yücesan and Chick 2000) for a
// fixed budget of N replications. After n0 outputs of every system, each round adds `increment`
// replications so that the totals move towards the allocation that maximizes an approximate
// probability of correct selection; once N are in, the best sample mean is selected. No
// indifference-zone guarantee; delta, alpha and crn are unused. State per system: one accumulator
// and one target (32 bytes), plus O(k) scratch during a round. Not thread-safe, like every
// Procedure.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "broker/procedures/estimates.h"
#include "broker/procedures/per_system_procedure.h"
#include "common/stats/welford.h"

namespace simsel {

class OcbaProcedure final : public PerSystemProcedure {
 public:
  // The increment when the job gives none: max(k, ceil((N - n0 k) / 100)). At least k, because a
  // round costs O(k log k) time and at least k new tasks keep many workers busy; at most about
  // 100 rounds, because each round waits for its slowest replication.
  static std::uint64_t default_increment(std::uint64_t budget, std::uint32_t n0,
                                         std::uint64_t system_count);

  // REQUIRES: spec validated by make_procedure, budget >= spec.n0 * system_count, increment >= 1
  OcbaProcedure(const ProcedureSpec& spec, std::uint64_t system_count, std::uint64_t budget,
                std::uint64_t increment);

  // Targets: n0 for everyone, then raised round by round (never lowered) until they sum to the
  // budget. A round raises them by the whole increment at once: a larger increment means more tasks
  // in flight and fewer adaptive decisions.
  void advance(SampleStore& store) override;
  bool finished() const override { return stage_ == Stage::kDone; }
  Selection selection() const override;
  ProcedureProgress progress() const override;
  Status extend_budget(std::uint64_t budget) override;

 private:
  std::string stage_name() const;

  // kFirstStage: some system has fewer than n0 outputs. kAllocating: a round's targets are out
  // and the next round waits until every system has reached its target. kDone.
  enum class Stage { kFirstStage, kAllocating, kDone };

  void allocate_round();
  void select_best();

  bool maximize_;
  std::uint64_t budget_;
  std::uint64_t increment_;
  Stage stage_ = Stage::kFirstStage;
  std::uint64_t allocated_;  // sum of targets_
  std::uint64_t rounds_ = 0;
  SystemEstimate best_;  // set on kDone
};

}  // namespace simsel
