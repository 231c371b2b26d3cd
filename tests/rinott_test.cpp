// RinottProcedure: second-stage sizes on hand-made data, direction, independence of systems,
// determinism under arrival order, and the probability of correct selection by simulation.
#include "broker/procedures/rinott.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "broker/procedures/rinott_constant.h"
#include "tests/procedure_checks.h"

using namespace simsel;

namespace {

ProcedureSpec rinott_spec(double delta, double alpha, std::uint32_t n0, bool maximize = true) {
  ProcedureSpec spec;
  spec.name = "rinott";
  spec.delta = delta;
  spec.alpha = alpha;
  spec.n0 = n0;
  spec.maximize = maximize;
  return spec;
}

double h_for(std::uint64_t systems, const ProcedureSpec& spec) {
  auto h = rinott_h(systems, 1 - spec.alpha, spec.n0 - 1);
  REQUIRE(h.ok());
  return *h;
}

void put_all(SampleStore& store, std::uint64_t system, std::uint64_t first_rep,
             const std::vector<double>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) store.put(system, first_rep + i, values[i]);
}

// Two systems, n0 = 3: system 0 starts (0, 1, 2), S^2 = 1, so N_0 = max(3, ceil(h^2));
// system 1 starts (1, 1, 1), S^2 = 0, so N_1 = n0 = 3. System 0 then gets `later` each time.
struct HandMadeRun {
  std::uint64_t n0_of_system0;
  Selection selection;
};

HandMadeRun run_hand_made(bool maximize, double later) {
  const ProcedureSpec spec = rinott_spec(1.0, 0.05, 3, maximize);
  const double h = h_for(2, spec);
  RinottProcedure procedure(spec, 2, h);
  SampleStore store(2);
  put_all(store, 0, 0, {0, 1, 2});
  put_all(store, 1, 0, {1, 1, 1});
  procedure.advance(store);
  const std::uint64_t expected_n = std::max<std::uint64_t>(3, std::ceil(h * h));
  REQUIRE(procedure.targets()[0] == expected_n);
  REQUIRE(procedure.targets()[1] == 3);
  REQUIRE(procedure.progress().stage == "second stage");
  for (std::uint64_t rep = 3; rep < expected_n; ++rep) store.put(0, rep, later);
  procedure.advance(store);
  REQUIRE(procedure.finished());
  return {expected_n, procedure.selection()};
}

}  // namespace

TEST_CASE("Rinott: N_i = max(n0 - ceil((h S_i / delta)^2)) - best mean selected", "[procedures]") {
  const HandMadeRun run = run_hand_made(true, 1.5);
  const double n = static_cast<double>(run.n0_of_system0);
  CHECK(run.selection.best.system == 0);
  CHECK(run.selection.best.mean == Approx((3 + 1.5 * (n - 3)) / n));
  CHECK(run.selection.best.replications == run.n0_of_system0);
  CHECK(run.selection.total_replications == run.n0_of_system0 + 3);
  CHECK(run.selection.guarantee ==
        "with probability at least 95%, its mean is within 1 of the best");
}

TEST_CASE("Rinott: when smaller is better the smallest mean is selected", "[procedures]") {
  const HandMadeRun run = run_hand_made(false, 1.5);
  CHECK(run.selection.best.system == 1);
  CHECK(run.selection.best.mean == 1.0);
}

TEST_CASE("Rinott: a system starts its second stage without waiting for the others",
          "[procedures]") {
  const ProcedureSpec spec = rinott_spec(1.0, 0.05, 3);
  RinottProcedure procedure(spec, 2, h_for(2, spec));
  SampleStore store(2);
  put_all(store, 0, 0, {0, 1, 2});
  store.put(1, 0, 5.0);
  procedure.advance(store);
  CHECK(procedure.targets()[0] > 3);
  CHECK(procedure.targets()[1] == 3);
  const ProcedureProgress progress = procedure.progress();
  CHECK(progress.stage == "first stage");
  CHECK(progress.survivors == 2);
  CHECK(progress.replications == 4);
  REQUIRE(progress.leaders.size() == 2);
  CHECK(progress.leaders[0].system == 1);  // mean 5 from one output
  CHECK(progress.leaders[1].system == 0);
  CHECK(progress.leaders[1].stddev == Approx(1.0));
  CHECK(progress.leaders[1].replications == 3);
}

TEST_CASE("Rinott: outputs past a missing one wait for it", "[procedures]") {
  const ProcedureSpec spec = rinott_spec(1.0, 0.05, 3);
  RinottProcedure procedure(spec, 2, h_for(2, spec));
  SampleStore store(2);
  put_all(store, 0, 1, {1, 2});  // replication 0 still missing
  procedure.advance(store);
  CHECK(procedure.progress().replications == 0);
  store.put(0, 0, 0.0);
  procedure.advance(store);
  CHECK(procedure.progress().replications == 3);
}

TEST_CASE("Rinott: arrival order changes neither the selection nor the total", "[procedures]") {
  const ProcedureSpec spec = rinott_spec(0.1, 0.05, 20);
  const double h = h_for(10, spec);
  testing::check_arrival_order_invariance([&] { return RinottProcedure(spec, 10, h); }, 10, 0.1,
                                          99);
}

TEST_CASE("Rinott: probability of correct selection in the slippage configuration",
          "[procedures]") {
  // k = 10, delta = 0.1, sigma = 1, n0 = 20, alpha = 0.05: about 15,000 outputs a run, 1 s in all.
  const ProcedureSpec spec = rinott_spec(0.1, 0.05, 20);
  const double h = h_for(10, spec);
  testing::check_slippage_pcs([&] { return RinottProcedure(spec, 10, h); }, 10, 0.1, 0.05, 1000,
                              1000);
}
