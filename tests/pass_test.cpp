// PassProcedure (broker/procedures/pass.h): the elimination boundary by hand; sweeps worked out
// on constant outputs, in both directions; the stop at n_max with survivors left; determinism
// under arrival order; the false-elimination rate on equal systems against its 5% target; and
// its parameter checks.
#include "broker/procedures/pass.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "tests/procedure_checks.h"

using namespace simsel;

namespace {

ProcedureSpec pass_spec(std::uint32_t n0, bool maximize = true) {
  ProcedureSpec spec;
  spec.name = "pass";
  spec.n0 = n0;
  spec.maximize = maximize;
  return spec;
}

// Outputs mean + spread, mean - spread alternately: after an even count the sample mean is
// exactly `mean`, and the variance of the first n0 (even) outputs spread^2 n0 / (n0 - 1).
struct Alternating {
  std::vector<double> means;
  double spread;
  double operator()(std::uint64_t system, std::uint64_t rep) const {
    return means[system] + (rep % 2 == 0 ? spread : -spread);
  }
};

}  // namespace

TEST_CASE("PASS: the elimination boundary", "[procedures][pass]") {
  // n = 10, S^2 = 1: t = 10, boundary sqrt((8.6 + ln 11) 11) = 10.999 at gap t: gap >= 1.0999.
  CHECK(PassProcedure::eliminated(1.11, 10, 1, 8.6));
  CHECK_FALSE(PassProcedure::eliminated(1.09, 10, 1, 8.6));
  CHECK_FALSE(PassProcedure::eliminated(-5, 10, 1, 8.6));  // better than the standard
  // More outputs, the same gap: the boundary grows like sqrt(t log t), slower than t.
  CHECK(PassProcedure::eliminated(0.5, 1000, 1, 8.6));
  CHECK(PassProcedure::eliminated(1e-9, 10, 0, 8.6));  // no noise
  CHECK_FALSE(PassProcedure::eliminated(0, 10, 0, 8.6));
}

TEST_CASE("PASS: sweeps by hand, in both directions", "[procedures][pass]") {
  // Means 0, 1, 3, spread 1, n0 = 10: S^2 = 10/9, t = 9. After the first stage the standard is
  // 4/3 and the boundary sqrt((8.6 + ln 10) 10) = 10.44: gap x t is 12 for system 0
  // (eliminated), 3 for system 1 (kept). Sweep 1 (batch 10, n = 20, t = 18): standard 2,
  // boundary sqrt((8.6 + ln 19) 19) = 14.81, system 1's gap x t = 18: eliminated; system 2
  // alone remains.
  for (const bool maximize : {true, false}) {
    const double sign = maximize ? 1 : -1;
    PassProcedure procedure(pass_spec(10, maximize), 3, 8.6, 10, 1000);
    SampleStore store(3);
    Alternating outputs{{0, sign * 1, sign * 3}, 1};
    testing::drive_until_finished(procedure, store, outputs, {1, 1000, 1000});
    const std::vector<std::uint64_t> used(procedure.targets().begin(), procedure.targets().end());
    CHECK(used == std::vector<std::uint64_t>{10, 20, 20});
    CHECK(procedure.selection().best.system == 2);
    CHECK(procedure.selection().total_replications == 50);
    CHECK_THAT(procedure.selection().guarantee, Catch::Contains("1 survivor (their means average"));
    CHECK(procedure.progress().stage == "done");
  }
}

TEST_CASE("PASS: equal systems stop at n_max, all surviving", "[procedures][pass]") {
  PassProcedure procedure(pass_spec(10), 4, 8.6, 100, 250);
  SampleStore store(4);
  Alternating outputs{{2, 2, 2, 2}, 1};
  testing::drive_until_finished(procedure, store, outputs);
  CHECK(procedure.selection().total_replications == 4 * 250);  // 10, 110, 210, 250
  CHECK(procedure.progress().survivors == 4);
  CHECK_THAT(procedure.selection().guarantee, Catch::Contains("4 survivors (their means average 2)"));
}

TEST_CASE("PASS: the same outputs give the same answer in any arrival order",
          "[procedures][pass]") {
  testing::check_arrival_order_invariance(
      [] { return PassProcedure(pass_spec(10), 40, 8.6, 20, 400); }, 40, 0.3, 4);
}

TEST_CASE("PASS: on equal systems, the false-elimination rate stays under 5%",
          "[procedures][pass]") {
  // Every system is as good as the standard, so every elimination is false.
  const int macro_replications = 100;
  const std::uint64_t k = 20;
  double eliminated = 0;
  for (int macro = 0; macro < macro_replications; ++macro) {
    PassProcedure procedure(pass_spec(10), k, 8.6, 100, 1010);
    SampleStore store(k);
    testing::NormalOutputs outputs(std::vector<double>(k, 0.0), std::vector<double>(k, 1.0),
                                   9000 + macro);
    testing::drive_until_finished(procedure, store, outputs, {std::uint64_t(macro), 256, 64});
    eliminated += double(k - procedure.progress().survivors) / double(k);
  }
  const double rate = eliminated / macro_replications;
  INFO("false-elimination rate " << rate);
  CHECK(rate <= 0.05);
}

TEST_CASE("PASS: parameters", "[procedures][pass]") {
  const auto error_with = [](nlohmann::json params) {
    ProcedureSpec spec = pass_spec(10);
    spec.params = std::move(params);
    auto made = make_procedure(spec, 10);
    return made ? std::string("(accepted)") : made.error().message;
  };
  CHECK(error_with(nlohmann::json::object()) == "(accepted)");
  CHECK(error_with({{"c", 0}}) == "params.c: must be > 0");
  CHECK(error_with({{"batch", 0}}) == "params.batch: must be an integer >= 1");
  CHECK(error_with({{"n_max", 5}}) == "params.n_max: must be >= n0 (= 10)");
  CHECK(error_with({{"delta_batch", 5}}) ==
        "params.delta_batch: unknown parameter for pass (known: batch, c, n_max)");
}
