// PerSystemProcedure's folding: only new outputs and raised targets are visited, yet outputs that
// arrived before a target rose are folded when it rises, each system reports reaching its target
// once per raise, and lowering a target takes the system out of the wave.
#include "broker/procedures/per_system_procedure.h"

#include <catch2/catch.hpp>
#include <vector>

#include "broker/sampling/sample_store.h"

using namespace simsel;

namespace {

// A procedure with no rule of its own: the test drives the protected machinery directly.
class BareProcedure final : public PerSystemProcedure {
 public:
  BareProcedure(std::uint64_t systems, std::uint64_t first_target)
      : PerSystemProcedure(systems, first_target) {}

  void advance(SampleStore&) override {}
  bool finished() const override { return false; }
  Selection selection() const override { return {}; }
  ProcedureProgress progress() const override { return {}; }

  std::vector<std::uint64_t> fold(SampleStore& store) {
    const auto reached = fold_new_outputs(store);
    return {reached.begin(), reached.end()};
  }
  using PerSystemProcedure::all_targets_met;
  using PerSystemProcedure::discard_outputs_before;
  using PerSystemProcedure::outputs_;
  using PerSystemProcedure::set_target;
};

void put_reps(SampleStore& store, std::uint64_t system, std::uint64_t begin, std::uint64_t end) {
  for (std::uint64_t rep = begin; rep < end; ++rep) {
    store.put(system, rep, static_cast<double>(10 * system + rep));
  }
}

}  // namespace

TEST_CASE("PerSystemProcedure: folds up to the target and reports each system reaching it once",
          "[procedures]") {
  BareProcedure procedure(3, 2);
  SampleStore store(3);
  put_reps(store, 0, 0, 5);  // more than wanted: only 2 are folded
  put_reps(store, 1, 0, 1);
  CHECK(procedure.fold(store) == std::vector<std::uint64_t>{0});
  CHECK(procedure.outputs_[0].count == 2);
  CHECK(procedure.outputs_[1].count == 1);
  CHECK(procedure.replications_consumed() == 3);
  CHECK_FALSE(procedure.all_targets_met());

  put_reps(store, 1, 1, 2);
  put_reps(store, 2, 0, 2);
  CHECK(procedure.fold(store) == std::vector<std::uint64_t>{1, 2});
  CHECK(procedure.all_targets_met());
  CHECK(procedure.fold(store).empty());  // nothing new: nobody reported twice
}

TEST_CASE("PerSystemProcedure: outputs already in the store are folded when a target rises",
          "[procedures]") {
  BareProcedure procedure(2, 2);
  SampleStore store(2);
  put_reps(store, 0, 0, 6);
  put_reps(store, 1, 0, 2);
  REQUIRE(procedure.fold(store).size() == 2);

  // System 0's outputs 2..5 grew before this raise; no new output will list it as grown again.
  procedure.set_target(0, 6);
  CHECK_FALSE(procedure.all_targets_met());
  CHECK(procedure.fold(store) == std::vector<std::uint64_t>{0});
  CHECK(procedure.outputs_[0].count == 6);
  CHECK(procedure.outputs_[0].mean == Approx(2.5));
  CHECK(procedure.all_targets_met());
}

TEST_CASE("PerSystemProcedure: lowering a short system's target takes it out of the wave",
          "[procedures]") {
  BareProcedure procedure(2, 4);
  SampleStore store(2);
  put_reps(store, 0, 0, 4);
  put_reps(store, 1, 0, 1);
  procedure.fold(store);
  REQUIRE_FALSE(procedure.all_targets_met());
  procedure.set_target(1, 1);  // dropped with the one output it has
  CHECK(procedure.all_targets_met());
  put_reps(store, 1, 1, 3);  // in flight when it was dropped: arrives, is not folded
  CHECK(procedure.fold(store).empty());
  CHECK(procedure.outputs_[1].count == 1);
}

TEST_CASE("PerSystemProcedure: discarded outputs restart the accumulators at a later replication",
          "[procedures]") {
  BareProcedure procedure(1, 2);
  SampleStore store(1);
  put_reps(store, 0, 0, 5);
  procedure.fold(store);
  procedure.discard_outputs_before(2);
  CHECK(procedure.outputs_[0].count == 0);
  CHECK(procedure.replications_consumed() == 2);  // discarded, but simulated and consumed
  procedure.set_target(0, 5);
  CHECK(procedure.fold(store) == std::vector<std::uint64_t>{0});
  CHECK(procedure.outputs_[0].count == 3);
  CHECK(procedure.outputs_[0].mean == Approx(3));  // replications 2, 3, 4
}
