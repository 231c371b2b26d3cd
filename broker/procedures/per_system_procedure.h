// PerSystemProcedure: the state most procedures keep per system, as plain arrays: the target
// (outputs wanted) and one accumulator of the outputs consumed, in replication order, with
// targets(), estimate() and replications_consumed() read from them. Not here: how a procedure sets
// targets or decides; KT, whose systems play several matches, keeps its own per-system state.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "broker/procedures/estimates.h"
#include "broker/procedures/procedure.h"
#include "common/stats/welford.h"

namespace simsel {

class PerSystemProcedure : public Procedure {
 public:
  std::span<const std::uint64_t> targets() const final { return targets_; }
  SystemEstimate estimate(std::uint64_t system) const final {
    return estimate_of(system, outputs_[system]);
  }
  std::uint64_t replications_consumed() const final { return replications_consumed_; }

 protected:
  PerSystemProcedure(std::uint64_t system_count, std::uint64_t first_target)
      : targets_(system_count, first_target), outputs_(system_count) {}

  std::vector<std::uint64_t> targets_;
  std::vector<WelfordAccumulator> outputs_;
  std::uint64_t replications_consumed_ = 0;  // summed over systems
};

}  // namespace simsel
