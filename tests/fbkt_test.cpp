// FbktProcedure (broker/procedures/fbkt.h): the round shares against PyPRS's published run
// (57,624 systems, N = 5,070,912, n0 = 8, phi = 3, 48 groups: 4,704,528 replications, every
// round's cumulative total as in its result file); a tournament worked out by hand, byes
// included; minimization mirroring maximization; determinism under arrival order; the
// probability of correct selection rising with the budget; and its parameter checks.
#include "broker/procedures/fbkt.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "tests/procedure_checks.h"

using namespace simsel;

namespace {

ProcedureSpec fbkt_spec(std::uint32_t n0, bool maximize = true) {
  ProcedureSpec spec;
  spec.name = "fbkt";
  spec.n0 = n0;
  spec.maximize = maximize;
  return spec;
}

// Hands out every wanted replication at once and advances: one pass per round. Returns the
// targets after each pass, summed.
template <class Output>
std::vector<std::uint64_t> drive_in_waves(Procedure& procedure, std::uint64_t systems,
                                          Output output) {
  SampleStore store(systems);
  std::vector<std::uint64_t> issued(systems, 0), totals;
  procedure.advance(store);
  while (!procedure.finished()) {
    const auto targets = procedure.targets();
    std::uint64_t wanted = 0, total = 0;
    for (std::uint64_t system = 0; system < systems; ++system) {
      for (; issued[system] < targets[system]; ++issued[system], ++wanted)
        store.put(system, issued[system], output(system, issued[system]));
      total += targets[system];
    }
    if (wanted == 0) throw std::runtime_error("fbkt wants nothing but has not finished");
    totals.push_back(total);
    procedure.advance(store);
  }
  return totals;
}

}  // namespace

TEST_CASE("FBKT: round shares decay as r (phi-1)^(r-1) / phi^(r+1) of the group budget",
          "[procedures][fbkt]") {
  const std::vector<std::uint64_t> expected = {10'671, 14'228, 14'228, 12'647, 10'539, 8'431,
                                               6'557,  4'996,  3'747,  2'775,  2'035,  1'480};
  for (std::uint64_t r = 1; r <= expected.size(); ++r)
    CHECK(FbktProcedure::round_share(r, 3, 96'040.0) == expected[r - 1]);
}

TEST_CASE("FBKT: PyPRS's flow-line run spends 4,704,528 replications, round by round",
          "[procedures][fbkt]") {
  // Spending depends only on k, n0, N, phi and the groups, never on the outputs.
  const std::uint64_t k = 57'624;
  ProcedureSpec spec = fbkt_spec(8);
  FbktProcedure procedure(spec, k, 5'070'912, 3, 48);
  const auto totals = drive_in_waves(procedure, k, [](std::uint64_t system, std::uint64_t rep) {
    return std::sin(double(system) * 12.9898 + double(rep) * 78.233);
  });
  // Seeding, then PyPRS's cumulative totals after rounds 1..11 (DetailedResults.txt), then the
  // final: 48 finalists x 1,480.
  const std::vector<std::uint64_t> expected = {460'992,   921'792,   1'584'192, 2'260'992,
                                               2'862'192, 3'362'544, 3'765'648, 4'063'728,
                                               4'303'248, 4'447'056, 4'535'856, 4'633'488,
                                               4'704'528};
  CHECK(totals == expected);
  CHECK(procedure.selection().total_replications == 4'704'528);
  CHECK(procedure.progress().stage == "done");
}

TEST_CASE("FBKT: a tournament by hand, with a bye, in both directions", "[procedures][fbkt]") {
  // Five systems with constant outputs (means 1, 5, 2, 4, 3), one group, n0 = 1. B = 60:
  // round 1's share 6 over 5 alive = 1 each; ranked 1,3,4,2,0: system 1 sits out, 0 plays 3,
  // 2 plays 4; winners 3 and 4. Round 2: share 8 over 3 = 2 each; ranked 1,3,4: 1 sits out,
  // 4 plays 3, 3 wins. Round 3: share 8 over 2 = 4 each: 3 plays 1, 1 wins.
  for (const bool maximize : {true, false}) {
    const double sign = maximize ? 1 : -1;
    const std::vector<double> means = {1, 5, 2, 4, 3};
    FbktProcedure procedure(fbkt_spec(1, maximize), 5, 65, 3, 1);
    const auto totals = drive_in_waves(procedure, 5, [&](std::uint64_t system, std::uint64_t) {
      return sign * means[system];
    });
    CHECK(totals == std::vector<std::uint64_t>{5, 9, 13, 21});
    const std::vector<std::uint64_t> spent(procedure.targets().begin(), procedure.targets().end());
    CHECK(spent == std::vector<std::uint64_t>{2, 5, 2, 8, 4});
    CHECK(procedure.selection().best.system == 1);
    CHECK(procedure.selection().best.mean == sign * 5);
    CHECK(procedure.selection().total_replications == 21);
  }
}

TEST_CASE("FBKT: group winners play a final on fresh outputs", "[procedures][fbkt]") {
  // Four systems in two groups (0, 2) and (1, 3); means 1, 2, 3, 4. Group winners 2 and 3;
  // the final's outputs alone decide: system 2's final outputs are high, so 2 wins.
  FbktProcedure procedure(fbkt_spec(1), 4, 4 + 2 * 60, 3, 2);
  const std::vector<double> means = {1, 2, 3, 4};
  const auto totals = drive_in_waves(procedure, 4, [&](std::uint64_t system, std::uint64_t rep) {
    return rep >= 4 && system == 2 ? 100.0 : means[system];
  });
  // Seeding 4; round 1 share 6 per group, 3 each: 4 + 12; final (round 2's share) 8 each: + 16.
  CHECK(totals == std::vector<std::uint64_t>{4, 16, 32});
  CHECK(procedure.selection().best.system == 2);
}

TEST_CASE("FBKT: the same outputs give the same answer in any arrival order",
          "[procedures][fbkt]") {
  testing::check_arrival_order_invariance(
      [] { return FbktProcedure(fbkt_spec(4), 37, 37 * 40, 3, 3); }, 37, 0.5, 9);
}

TEST_CASE("FBKT: the probability of correct selection rises with the budget",
          "[procedures][fbkt]") {
  // Slippage, k = 16, gap 0.5, stddev 1, 200 macro-replications per budget.
  std::vector<double> pcs;
  for (const std::uint64_t per_system : {10, 40, 160}) {
    int correct = 0;
    for (int macro = 0; macro < 200; ++macro) {
      FbktProcedure procedure(fbkt_spec(4), 16, 16 * per_system, 3, 1);
      SampleStore store(16);
      testing::NormalOutputs outputs = testing::slippage_configuration(16, 0.5, 500 + macro);
      testing::drive_until_finished(procedure, store, outputs, {std::uint64_t(macro), 64, 8});
      correct += procedure.selection().best.system == 0;
    }
    pcs.push_back(correct / 200.0);
  }
  INFO("PCS at 10, 40, 160 replications per system: " << pcs[0] << ", " << pcs[1] << ", "
                                                       << pcs[2]);
  CHECK(pcs[0] < pcs[1]);
  CHECK(pcs[1] < pcs[2]);
  CHECK(pcs[2] >= 0.9);
}

TEST_CASE("FBKT: parameters", "[procedures][fbkt]") {
  const auto error_with = [](nlohmann::json params, std::uint64_t k = 10) {
    ProcedureSpec spec = fbkt_spec(8);
    spec.params = std::move(params);
    auto made = make_procedure(spec, k);
    return made ? std::string("(accepted)") : made.error().message;
  };
  CHECK(error_with(nlohmann::json::object()) == "params.budget: required for fbkt");
  CHECK(error_with({{"budget", 79}}) == "params.budget: must be >= n0 * k (= 80)");
  CHECK(error_with({{"budget", 80}}) == "(accepted)");
  CHECK(error_with({{"budget", 800}, {"phi", 1}}) == "params.phi: must be an integer >= 2");
  CHECK(error_with({{"budget", 800}, {"groups", 11}}) ==
        "params.groups: must be <= the number of systems (10)");
  CHECK(error_with({{"budget", 800}, {"groups", 10}, {"phi", 4}}) == "(accepted)");
}
