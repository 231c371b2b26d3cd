// NsgsProcedure: its constants against independent values, the screen then the second stage on
// survivors only, determinism under arrival order, and the probability of correct selection.
#include "broker/procedures/nsgs.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "broker/procedures/rinott_constant.h"
#include "tests/procedure_checks.h"

using namespace simsel;

namespace {

ProcedureSpec nsgs_spec(std::uint32_t n0 = 20, double delta = 0.1) {
  ProcedureSpec spec;
  spec.name = "nsgs";
  spec.delta = delta;
  spec.alpha = 0.05;
  spec.n0 = n0;
  return spec;
}

NsgsConstants constants(std::uint64_t systems, std::uint32_t n0 = 20) {
  auto made = nsgs_constants(systems, 0.05, n0);
  REQUIRE(made);
  return *made;
}

}  // namespace

TEST_CASE("NSGS: t is the (1 - alpha/2)^(1/(k-1)) quantile of Student's t", "[procedures]") {
  // References from mpmath (30 digits): the root of I_{nu/(nu+t^2)}(nu/2, 1/2) / 2 = 1 - level.
  CHECK(constants(2, 10).t == Approx(2.26215716279820).epsilon(1e-10));
  CHECK(constants(10).t == Approx(3.12156608552916).epsilon(1e-10));
  CHECK(constants(1000).t == Approx(5.20242941337768).epsilon(1e-9));
  const Result<double> h = rinott_h(10, 0.975, 19);
  REQUIRE(h);
  CHECK(constants(10).h == Approx(h.value()));
}

TEST_CASE("NSGS: systems far behind are screened out after n0 and get no second stage",
          "[procedures]") {
  std::vector<double> means{0, 0, 5, 4.9};
  NsgsProcedure procedure(nsgs_spec(), 4, constants(4));
  SampleStore store(4);
  testing::NormalOutputs outputs(means, std::vector<double>(4, 1.0), 17);
  for (std::uint64_t system = 0; system < 4; ++system) {
    for (std::uint64_t rep = 0; rep < 20; ++rep) store.put(system, rep, outputs(system, rep));
  }
  procedure.advance(store);
  REQUIRE(procedure.progress().stage == "second stage");
  CHECK(procedure.progress().survivors == 2);
  CHECK(procedure.targets()[0] == 20);
  CHECK(procedure.targets()[1] == 20);
  CHECK(procedure.targets()[2] > 20);  // Rinott's N_i for sigma = 1, delta = 0.1: thousands
  CHECK(procedure.targets()[3] > 20);
  // The driver hands out from replication 0 again: the store refuses what it already has, and
  // the same seed gives the same values.
  testing::NormalOutputs same_outputs(means, std::vector<double>(4, 1.0), 17);
  testing::drive_until_finished(procedure, store, same_outputs);
  const Selection selection = procedure.selection();
  CHECK(selection.best.system == 2);
  CHECK(selection.total_replications == 40 + procedure.targets()[2] + procedure.targets()[3]);
}

TEST_CASE("NSGS: a screen that leaves one system ends the procedure", "[procedures]") {
  NsgsProcedure procedure(nsgs_spec(), 3, constants(3));
  SampleStore store(3);
  testing::NormalOutputs outputs({0, 10, 0}, {0.01, 0.01, 0.01}, 5);
  testing::drive_until_finished(procedure, store, outputs);
  CHECK(procedure.selection().best.system == 1);
  CHECK(procedure.selection().total_replications == 60);
}

TEST_CASE("NSGS: arrival order changes neither the selection nor the total", "[procedures]") {
  const NsgsConstants nsgs = constants(20);
  testing::check_arrival_order_invariance([&] { return NsgsProcedure(nsgs_spec(), 20, nsgs); }, 20,
                                          0.1, 8);
}

TEST_CASE("NSGS: probability of correct selection in the slippage configuration", "[procedures]") {
  const NsgsConstants nsgs = constants(10);
  testing::check_slippage_pcs([&] { return NsgsProcedure(nsgs_spec(), 10, nsgs); }, 10, 0.1, 0.05,
                              300, 7000, 4096);
}
