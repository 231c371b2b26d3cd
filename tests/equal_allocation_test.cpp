// EqualAllocationProcedure: the shares and their exact total, the selection in both directions,
// the guarantee text, waiting for complete prefixes, determinism under arrival order, and the
// budget parameter as make_procedure checks it.
#include "broker/procedures/equal_allocation.h"

#include <catch2/catch.hpp>
#include <numeric>

#include "tests/procedure_checks.h"

using namespace simsel;

namespace {

ProcedureSpec equal_spec(std::uint32_t n0, bool maximize = true) {
  ProcedureSpec spec;
  spec.name = "equal";
  spec.n0 = n0;
  spec.maximize = maximize;
  return spec;
}

std::uint64_t sum_of(std::span<const std::uint64_t> targets) {
  return std::accumulate(targets.begin(), targets.end(), std::uint64_t{0});
}

// Three systems, shares (2, 2): system 0 gives (1, 3), system 1 (0, 0), system 2 (5, 5).
Selection hand_made_selection(bool maximize) {
  EqualAllocationProcedure procedure(equal_spec(2, maximize), 3, 6);
  SampleStore store(3);
  const double outputs[3][2] = {{1, 3}, {0, 0}, {5, 5}};
  for (std::uint64_t system = 0; system < 3; ++system) {
    for (std::uint64_t rep = 0; rep < 2; ++rep) store.put(system, rep, outputs[system][rep]);
  }
  procedure.advance(store);
  REQUIRE(procedure.finished());
  return procedure.selection();
}

std::string error_of(const ProcedureSpec& spec, std::uint64_t systems = 10) {
  auto procedure = make_procedure(spec, systems);
  REQUIRE_FALSE(procedure.ok());
  return procedure.error().message;
}

}  // namespace

TEST_CASE("Equal allocation: floor(N/k) each and one more for the first N mod k", "[procedures]") {
  EqualAllocationProcedure procedure(equal_spec(20), 3, 62);
  const auto targets = procedure.targets();
  CHECK(std::vector<std::uint64_t>(targets.begin(), targets.end()) ==
        std::vector<std::uint64_t>{21, 21, 20});

  SampleStore store(3);
  testing::NormalOutputs outputs({0, 0.1, 0.2}, {1, 1, 1}, 7);
  testing::drive_until_finished(procedure, store, outputs);
  CHECK(procedure.selection().total_replications == 62);
  CHECK(sum_of(procedure.targets()) == 62);
}

TEST_CASE("Equal allocation: the best sample mean is selected", "[procedures]") {
  const Selection selection = hand_made_selection(true);
  CHECK(selection.best.system == 2);
  CHECK(selection.best.mean == 5.0);
  CHECK(selection.best.replications == 2);
  CHECK(selection.total_replications == 6);
}

TEST_CASE("Equal allocation: when smaller is better the smallest mean is selected",
          "[procedures]") {
  const Selection selection = hand_made_selection(false);
  CHECK(selection.best.system == 1);
  CHECK(selection.best.mean == 0.0);
}

TEST_CASE("Equal allocation: the guarantee says there is none", "[procedures]") {
  CHECK(hand_made_selection(true).guarantee ==
        "fixed budget of 6 replications: no probability-of-correct-selection guarantee");
}

TEST_CASE("Equal allocation: outputs past a missing one wait for it", "[procedures]") {
  EqualAllocationProcedure procedure(equal_spec(2), 2, 4);
  SampleStore store(2);
  store.put(0, 1, 1.0);  // replication 0 of system 0 still missing
  store.put(1, 0, 1.0);
  store.put(1, 1, 1.0);
  procedure.advance(store);
  CHECK_FALSE(procedure.finished());
  CHECK(procedure.progress().stage == "sampling");
  CHECK(procedure.progress().replications == 2);
  store.put(0, 0, 3.0);
  procedure.advance(store);
  REQUIRE(procedure.finished());
  CHECK(procedure.selection().best.system == 0);
  CHECK(procedure.progress().stage == "done");
}

TEST_CASE("Equal allocation: arrival order changes neither the selection nor the total",
          "[procedures]") {
  testing::check_arrival_order_invariance(
      [] { return EqualAllocationProcedure(equal_spec(20), 10, 1003); }, 10, 0.1, 5);
}

TEST_CASE("Equal allocation: budget is required and gives every system n0", "[procedures]") {
  ProcedureSpec spec = equal_spec(20);
  CHECK(error_of(spec) == "params.budget: required for equal");
  spec.params = {{"budget", 199}};
  CHECK(error_of(spec) == "params.budget: must be >= n0 * k (= 200)");
  spec.params = {{"budget", -5}};
  CHECK(error_of(spec) == "params.budget: must be an integer >= 1");
  spec.params = {{"budget", 250.5}};
  CHECK(error_of(spec) == "params.budget: must be an integer >= 1");
  spec.params = {{"budget", 200}, {"increment", 10}};
  CHECK(error_of(spec) == "params.increment: unknown parameter for equal (known: budget)");
  spec.params = {{"budget", 200}};
  auto procedure = make_procedure(spec, 10);
  REQUIRE(procedure.ok());
  CHECK(sum_of((*procedure)->targets()) == 200);
}

TEST_CASE("Equal allocation, OCBA and FBKT spend an extended budget", "[procedures][extend]") {
  for (const std::string name : {"equal", "ocba", "fbkt"}) {
    INFO(name);
    ProcedureSpec spec = equal_spec(10);
    spec.name = name;
    spec.params = {{"budget", 1000}};
    auto procedure = make_procedure(spec, 20);
    REQUIRE(procedure.ok());
    CHECK_THAT((*procedure)->extend_budget(1000).error().message,
               Catch::Contains("must exceed the current budget (1000)"));
    REQUIRE((*procedure)->extend_budget(4000).ok());
    SampleStore store(20);
    testing::NormalOutputs outputs = testing::slippage_configuration(20, 0.5, 3);
    testing::drive_until_finished(**procedure, store, outputs);
    const std::uint64_t spent = (*procedure)->selection().total_replications;
    if (name == "fbkt")
      CHECK((spent > 1000 && spent <= 4000));  // its rounds leave some unspent
    else
      CHECK(spent == 4000);
  }
  ProcedureSpec kn = equal_spec(10);
  kn.name = "kn";
  kn.params = nlohmann::json::object();
  CHECK_THAT(make_procedure(kn, 5).value()->extend_budget(100).error().message,
             Catch::Contains("has no budget"));
}
