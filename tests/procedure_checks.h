// Checks every procedure test makes the same way, on the fake sampler (tests/fake_sampler.h):
// the selection does not depend on the order or depth in which results arrive (nor do the
// replications consumed, however they are read), and the probability of correct selection in
// the slippage configuration meets 1 - alpha.
// Header-only, Catch2 assertions inside: include from test files only.
#pragma once

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>

#include "tests/fake_sampler.h"

namespace simsel::testing {

// Runs `make()` (a fresh procedure over `systems` systems) on the slippage configuration with
// gap `delta` and outputs seed `seed`, in three arrival orders and depths, and checks the same
// system, the same mean bit for bit and the same total replications come out.
template <class MakeProcedure>
void check_arrival_order_invariance(MakeProcedure make, std::uint64_t systems, double delta,
                                    std::uint64_t seed) {
  const auto run = [&](DriveOptions options) {
    auto procedure = make();
    SampleStore store(systems);
    NormalOutputs outputs = slippage_configuration(systems, delta, seed);
    drive_until_finished(procedure, store, outputs, options);
    // The cheap count the broker checks limits with is the one progress reports.
    CHECK(procedure.replications_consumed() == procedure.progress().replications);
    CHECK(procedure.replications_consumed() == procedure.selection().total_replications);
    return procedure.selection();
  };
  const Selection first = run({1, 64, 8});
  for (const DriveOptions options : {DriveOptions{2, 1, 1}, DriveOptions{3, 5000, 1000}}) {
    const Selection other = run(options);
    CHECK(other.best.system == first.best.system);
    CHECK(other.best.mean == first.best.mean);  // bit for bit
    CHECK(other.total_replications == first.total_replications);
  }
}

// Runs `macro_replications` fresh procedures from `make()` on the slippage configuration (gap
// `delta`, stddev 1; outputs seed first_seed + m, `in_flight` results in flight) and checks the
// fraction selecting system 0 is at least 1 - alpha less three standard errors.
template <class MakeProcedure>
void check_slippage_pcs(MakeProcedure make, std::uint64_t systems, double delta, double alpha,
                        int macro_replications, std::uint64_t first_seed,
                        std::size_t in_flight = 256) {
  int correct = 0;
  for (int macro = 0; macro < macro_replications; ++macro) {
    auto procedure = make();
    SampleStore store(systems);
    NormalOutputs outputs = slippage_configuration(systems, delta, first_seed + macro);
    drive_until_finished(procedure, store, outputs,
                         {std::uint64_t(macro), in_flight, in_flight / 4});
    correct += procedure.selection().best.system == 0;
  }
  const double pcs = double(correct) / macro_replications;
  const double standard_error = std::sqrt((1 - alpha) * alpha / macro_replications);
  INFO("estimated PCS " << pcs << " over " << macro_replications << " macro-replications");
  CHECK(pcs >= 1 - alpha - 3 * standard_error);
}

}  // namespace simsel::testing
