// KtProcedure: matches start where their members left off (CRN alignment), rounds and progress,
// determinism under arrival order, and the probability of correct selection by simulation.
#include "broker/procedures/kt.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "tests/procedure_checks.h"

using namespace simsel;

namespace {

ProcedureSpec kt_spec(std::uint64_t group_size, std::uint32_t n0 = 20, double delta = 0.1) {
  ProcedureSpec spec;
  spec.name = "kt";
  spec.delta = delta;
  spec.alpha = 0.05;
  spec.n0 = n0;
  spec.params = {{"group_size", group_size}};
  return spec;
}

}  // namespace

TEST_CASE("KT: the final starts where its most-sampled member stopped; the other skips there",
          "[procedures]") {
  // Systems 0, 1 in group 0 and 2, 3 in group 1, n0 = 3, delta = 1.
  KtProcedure procedure(kt_spec(2, 3, 1.0), 4, 2);
  SampleStore store(4);
  CHECK(std::vector<std::uint64_t>(procedure.targets().begin(), procedure.targets().end()) ==
        std::vector<std::uint64_t>{3, 3, 3, 3});
  // Group 0: constant differences (S^2 = 0), so KN stops at stage n0: system 0 wins at rep 3.
  for (std::uint64_t rep = 0; rep < 3; ++rep) {
    store.put(0, rep, 10.0 + rep);
    store.put(1, rep, 0.0 + rep);
  }
  // Group 1: noisy differences, so it needs more stages; system 2 pulls ahead from rep 3 on.
  const std::vector<double> first_stage2{0, 2, 1}, first_stage3{1, 0, 2};
  for (std::uint64_t rep = 0; rep < 3; ++rep) {
    store.put(2, rep, first_stage2[rep]);
    store.put(3, rep, first_stage3[rep]);
  }
  procedure.advance(store);
  CHECK(procedure.progress().round == 1);
  CHECK(procedure.progress().rounds == 2);
  CHECK(procedure.progress().survivors == 3);  // system 1 is out; 2 and 3 still play
  std::uint64_t rep = 3;
  while (procedure.targets()[3] > rep) {  // until system 3 is eliminated
    REQUIRE(rep < 1000);
    store.put(2, rep, 5.0);
    store.put(3, rep, 0.0);
    ++rep;
    procedure.advance(store);
  }
  // The final (0 against 2) starts at replication `rep`, where system 2 stopped; system 0
  // stopped at 3 and skips to `rep`, so replication r of both share random numbers under CRN.
  REQUIRE(rep > 3);
  CHECK(procedure.progress().round == 2);
  CHECK(procedure.targets()[0] == rep + 3);
  CHECK(procedure.targets()[2] == rep + 3);
  CHECK(store.released(0) == rep);
  CHECK(store.take_skipped() == std::vector<std::uint64_t>{0});
  CHECK_FALSE(procedure.finished());
}

TEST_CASE("KT: a system's estimate covers its outputs in every match it played", "[procedures]") {
  KtProcedure procedure(kt_spec(3, 20, 0.5), 9, 3);
  SampleStore store(9);
  std::vector<double> means(9, 0.0);
  means[4] = 1.0;
  testing::NormalOutputs outputs(means, std::vector<double>(9, 1.0), 11);
  testing::drive_until_finished(procedure, store, outputs);
  const Selection selection = procedure.selection();
  CHECK(selection.best.system == 4);
  CHECK(selection.best.replications >= 2 * 20);  // two matches of at least n0 outputs
  CHECK(procedure.progress().stage == "done");
  CHECK(procedure.progress().survivors == 1);
  std::uint64_t consumed = 0;
  for (std::uint64_t system = 0; system < 9; ++system) {
    consumed += procedure.estimate(system).replications;
  }
  CHECK(consumed == selection.total_replications);
}

TEST_CASE("KT: arrival order and depth change neither the selection nor the total",
          "[procedures]") {
  testing::check_arrival_order_invariance([] { return KtProcedure(kt_spec(5), 60, 5); }, 60, 0.1,
                                          3);
}

TEST_CASE("KT: probability of correct selection in the slippage configuration", "[procedures]") {
  // k = 100 in groups of 10 (two rounds), delta = 0.1, sigma = 1, n0 = 20, alpha = 0.05.
  testing::check_slippage_pcs([] { return KtProcedure(kt_spec(10), 100, 10); }, 100, 0.1, 0.05, 200,
                              9000, 512);
}
