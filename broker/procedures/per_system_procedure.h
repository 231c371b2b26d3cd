// PerSystemProcedure: the state most procedures keep per system, as plain arrays: the target
// (outputs wanted) and one accumulator of the outputs consumed, in replication order, with
// targets(), estimate() and replications_consumed() read from them; and the folding of new
// outputs into those accumulators, which visits only the systems that got new outputs or a higher
// target (SampleStore::take_grown), so an advance costs O(new outputs), not O(systems), and a
// wave over 10^6 systems is not rescanned every time a few results arrive. Not here: how a
// procedure sets targets or decides; KT, whose systems play several matches, keeps its own state.
// KN keeps only the arrays: its contest folds outputs and writes targets_ itself, and does not
// call the folding below.
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
  PerSystemProcedure(std::uint64_t system_count, std::uint64_t first_target);

  // Raises a system's target for a new stage, or lowers it to the outputs folded to drop the
  // system. Outputs already in the store are folded by the next fold_new_outputs().
  // REQUIRES: target >= the replication after the last folded output
  void set_target(std::uint64_t system, std::uint64_t target);

  // Folds, in replication order and up to each target, the outputs that became contiguous or
  // wanted since the last call, releasing them from the store. Returns the systems that reached
  // their target in this call (valid until the next call). REQUIRES: nothing else calls
  // store.take_grown(), which hands each growth to one caller only.
  std::span<const std::uint64_t> fold_new_outputs(SampleStore& store);

  bool all_targets_met() const { return systems_short_ == 0; }

  // The replication that output number `output` of a system's accumulator came from.
  std::uint64_t rep_of_output(std::uint64_t output) const { return skipped_reps_ + output; }

  // Discards every system's outputs so far (GSP's stage 0 only times the systems): the
  // accumulators restart at replication `rep`. REQUIRES: every system has folded exactly `rep`.
  void discard_outputs_before(std::uint64_t rep);

  std::vector<std::uint64_t> targets_;  // write through set_target()
  std::vector<WelfordAccumulator> outputs_;
  std::uint64_t replications_consumed_ = 0;  // summed over systems

 private:
  bool is_short(std::uint64_t system) const {
    return rep_of_output(outputs_[system].count) < targets_[system];
  }
  void fold(SampleStore& store, std::uint64_t system);

  std::uint64_t skipped_reps_ = 0;
  std::uint64_t systems_short_;                // systems below their target
  std::vector<std::uint64_t> target_raised_;   // since the last fold_new_outputs()
  std::vector<std::uint64_t> reached_target_;  // what fold_new_outputs() returns
};

}  // namespace simsel
