// EqualAllocationProcedure: the fixed-budget baseline. A budget of N replications is split as
// evenly as integers allow (floor(N/k) each, one more for the first N mod k systems) and the
// best sample mean is selected. It makes no indifference-zone or probability-of-correct-selection
// promise: the answer is only as good as N happens to make it. delta, alpha and crn are unused.
// State per system: one accumulator and one target (32 bytes), so 10^6 systems are fine.
// Not thread-safe: driven by one thread, like every Procedure.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "broker/procedures/estimates.h"
#include "broker/procedures/per_system_procedure.h"
#include "common/stats/welford.h"

namespace simsel {

class EqualAllocationProcedure final : public PerSystemProcedure {
 public:
  // REQUIRES: spec validated by make_procedure, budget >= spec.n0 * system_count
  EqualAllocationProcedure(const ProcedureSpec& spec, std::uint64_t system_count,
                           std::uint64_t budget);

  // Targets: the shares. Every share is known from the start, so the whole budget can be in flight
  // at once.
  void advance(SampleStore& store) override;
  bool finished() const override { return stage_ == Stage::kDone; }
  Selection selection() const override;
  ProcedureProgress progress() const override;
  Status extend_budget(std::uint64_t budget) override;

 private:
  // kSampling: some system has fewer outputs than its share. kDone: the best is selected.
  enum class Stage { kSampling, kDone };

  void select_best();

  bool maximize_;
  std::uint64_t budget_;
  Stage stage_ = Stage::kSampling;
  SystemEstimate best_;  // set on kDone
};

}  // namespace simsel
