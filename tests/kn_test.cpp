// KnProcedure: eliminations on hand-made data worked out by hand, the direction of "better",
// waiting for complete stages, the last stage, determinism under arrival order, and the
// probability of correct selection by simulation.
#include "broker/procedures/kn.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "tests/procedure_checks.h"

using namespace simsel;

namespace {

ProcedureSpec kn_spec(double alpha, std::uint32_t n0, double delta, bool maximize = true) {
  ProcedureSpec spec;
  spec.name = "kn";
  spec.delta = delta;
  spec.alpha = alpha;
  spec.n0 = n0;
  spec.maximize = maximize;
  return spec;
}

void put_reps(SampleStore& store, std::uint64_t system, std::uint64_t first_rep,
              std::uint64_t end_rep, const std::vector<double>& values, double sign = 1) {
  for (std::uint64_t rep = first_rep; rep < end_rep; ++rep) {
    store.put(system, rep, sign * values[rep]);
  }
}

// k = 3, alpha = 0.25, n0 = 3, delta = 1: 2 alpha / (k-1) = 1/4, so eta = 1.5 and h^2 = 6
// exactly, and W_il(r) = max(0, 6 S_il^2 - r) / (2r).
//   system 0: 0, 1, 2 | 0, 2        centred first stage (-1, 0, 1)
//   system 1: .75 x 3 | 1, 0        centred first stage (0, 0, 0)
//   system 2: -3, -2, -1            centred first stage (-1, 0, 1)
// S_01^2 = 1, S_02^2 = 0, S_12^2 = 1, so N = floor(6 * 1) + 1 = 7 and
// W_01(3) = 0.5, W_01(4) = 0.25, W_01(5) = 0.1, W_02 = 0.
//   r = 3: means 1, 0.75, -2. System 2 trails system 0 by 3 > W_02 = 0: eliminated.
//          System 1 trails by 0.25 <= 0.5: stays.
//   r = 4: means 0.75, 0.8125. System 0 trails by 0.0625 <= 0.25: both stay.
//   r = 5: means 1.0, 0.65. System 1 trails by 0.35 > 0.1: eliminated. System 0 wins.
// Total outputs consumed: 5 + 5 + 3 = 13.
const std::vector<double> kSystem0{0, 1, 2, 0, 2};
const std::vector<double> kSystem1{0.75, 0.75, 0.75, 1, 0};
const std::vector<double> kSystem2{-3, -2, -1};

void check_hand_made_run(bool maximize) {
  const double sign = maximize ? 1 : -1;
  KnProcedure procedure(kn_spec(0.25, 3, 1.0, maximize), 3);
  SampleStore store(3);
  put_reps(store, 0, 0, 3, kSystem0, sign);
  put_reps(store, 1, 0, 3, kSystem1, sign);
  put_reps(store, 2, 0, 2, kSystem2, sign);
  procedure.advance(store);
  CHECK(procedure.progress().stage == "first stage");

  put_reps(store, 2, 2, 3, kSystem2, sign);
  procedure.advance(store);
  CHECK(procedure.progress().stage == "screening");
  CHECK(procedure.progress().survivors == 2);
  CHECK(procedure.progress().replications == 9);
  CHECK(std::vector<std::uint64_t>(procedure.targets().begin(), procedure.targets().end()) ==
        std::vector<std::uint64_t>{7, 7, 3});

  SECTION("stage 4 waits until every survivor has its 4th output") {
    put_reps(store, 0, 3, 4, kSystem0, sign);
    procedure.advance(store);
    CHECK(procedure.progress().replications == 9);
  }
  put_reps(store, 0, 3, 4, kSystem0, sign);
  put_reps(store, 1, 3, 4, kSystem1, sign);
  procedure.advance(store);
  CHECK(procedure.progress().survivors == 2);
  CHECK(procedure.progress().replications == 11);

  put_reps(store, 0, 4, 5, kSystem0, sign);
  put_reps(store, 1, 4, 5, kSystem1, sign);
  procedure.advance(store);
  REQUIRE(procedure.finished());
  const Selection selection = procedure.selection();
  CHECK(selection.best.system == 0);
  CHECK(selection.best.mean == Approx(sign * 1.0));
  CHECK(selection.best.replications == 5);
  CHECK(selection.total_replications == 13);
  CHECK(std::vector<std::uint64_t>(procedure.targets().begin(), procedure.targets().end()) ==
        std::vector<std::uint64_t>{5, 5, 3});
}

// k = 2, alpha = 0.125, n0 = 3, delta = 1: again h^2 = 6; S_01^2 = 1 so N = 7.
//   system 0: 0, 1, 2, 1, 1, 1, 1    system 1: 1, 1, 1, 1, 1, 1, last
// Both means are exactly 1 at every stage up to 6, so neither ever trails the other.
Selection run_to_last_stage(double last_output_of_system1) {
  KnProcedure procedure(kn_spec(0.125, 3, 1.0), 2);
  SampleStore store(2);
  const std::vector<double> system0{0, 1, 2, 1, 1, 1, 1};
  const std::vector<double> system1{1, 1, 1, 1, 1, 1, last_output_of_system1};
  put_reps(store, 0, 0, 7, system0);
  put_reps(store, 1, 0, 7, system1);
  procedure.advance(store);
  REQUIRE(procedure.finished());
  CHECK(procedure.targets()[0] == 7);
  CHECK(procedure.targets()[1] == 7);
  return procedure.selection();
}

}  // namespace

TEST_CASE("KN: eliminations on hand-made data - larger is better", "[procedures]") {
  check_hand_made_run(true);
}

TEST_CASE("KN: the same data negated - smaller is better - gives the same decisions",
          "[procedures]") {
  check_hand_made_run(false);
}

TEST_CASE("KN: an exact tie lasts to the last stage N and goes to the lower index",
          "[procedures]") {
  const Selection selection = run_to_last_stage(1.0);
  CHECK(selection.best.system == 0);
  CHECK(selection.total_replications == 14);
}

TEST_CASE("KN: at the last stage W is 0 and the better mean wins", "[procedures]") {
  const Selection selection = run_to_last_stage(2.0);
  CHECK(selection.best.system == 1);
  CHECK(selection.best.mean == Approx(8.0 / 7.0));
  CHECK(selection.total_replications == 14);
}

TEST_CASE("KN: arrival order changes neither the selection nor the total", "[procedures]") {
  testing::check_arrival_order_invariance([] { return KnProcedure(kn_spec(0.05, 20, 0.1), 10); },
                                          10, 0.1, 7);
}

TEST_CASE("KN: probability of correct selection in the slippage configuration", "[procedures]") {
  // k = 10, delta = 0.1, sigma = 1, n0 = 20, alpha = 0.05.
  testing::check_slippage_pcs([] { return KnProcedure(kn_spec(0.05, 20, 0.1), 10); }, 10, 0.1, 0.05,
                              1000, 5000);
}
