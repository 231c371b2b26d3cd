// Test-only sampling for procedures: normal outputs from one std::mt19937_64 stream per system,
// and a driver that feeds a Procedure until it finishes, handing out replications breadth-first
// as the SamplingPlan does and delivering them in a shuffled order, as many workers would.
// Header-only, no test framework inside: any test can reuse it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "broker/procedures/procedure.h"
#include "broker/sampling/sample_store.h"

namespace simsel::testing {

// Outputs N(means[i], stddevs[i]^2). Each system draws from its own engine seeded by
// (seed, system), so output `rep` of a system does not depend on how systems are interleaved.
class NormalOutputs {
 public:
  NormalOutputs(std::vector<double> means, std::vector<double> stddevs, std::uint64_t seed)
      : means_(std::move(means)), stddevs_(std::move(stddevs)), drawn_(means_.size(), 0) {
    for (std::uint64_t system = 0; system < means_.size(); ++system) {
      std::seed_seq seeds{seed, system};
      engines_.emplace_back(seeds);
      normals_.emplace_back(means_[system], stddevs_[system]);
    }
  }

  // REQUIRES: rep >= the number of outputs of `system` drawn so far (the driver's order).
  // Skipped replications are drawn and dropped, so output `rep` is the same whatever was skipped.
  double operator()(std::uint64_t system, std::uint64_t rep) {
    if (rep < drawn_[system]) throw std::logic_error("NormalOutputs: reps out of order");
    for (; drawn_[system] < rep; ++drawn_[system]) (void)normals_[system](engines_[system]);
    ++drawn_[system];
    return normals_[system](engines_[system]);
  }

 private:
  std::vector<double> means_;
  std::vector<double> stddevs_;
  std::vector<std::uint64_t> drawn_;
  std::vector<std::mt19937_64> engines_;
  std::vector<std::normal_distribution<double>> normals_;
};

// Slippage configuration: system 0 has mean delta, the others 0, all with stddev 1.
inline NormalOutputs slippage_configuration(std::uint64_t systems, double delta,
                                            std::uint64_t seed) {
  std::vector<double> means(systems, 0.0);
  means[0] = delta;
  return NormalOutputs(std::move(means), std::vector<double>(systems, 1.0), seed);
}

struct DriveOptions {
  std::uint64_t arrival_seed = 1;  // shuffles the order results arrive in
  std::size_t in_flight = 64;      // replications handed out and not yet arrived, at most
  std::size_t advance_every = 8;   // arrivals between calls to advance()
};

struct DriveReport {
  std::uint64_t outputs_generated = 0;  // including those the procedure never consumed
};

// Feeds `procedure` through `store` until it finishes. `output(system, rep)` is asked for each
// system's replications in increasing order (skipping what the procedure skipped), once each,
// when they are handed out; they arrive later, in random order among the ones in flight.
// Throws std::runtime_error if the procedure wants nothing more but has not finished.
template <class OutputSource>
DriveReport drive_until_finished(Procedure& procedure, SampleStore& store, OutputSource& output,
                                 const DriveOptions& options = {}) {
  struct InFlight {
    std::uint64_t system;
    std::uint64_t rep;
    double value;
  };
  const std::uint64_t systems = store.system_count();
  std::mt19937_64 arrival_order(options.arrival_seed);
  std::vector<std::uint64_t> issued(systems, 0);
  std::vector<InFlight> in_flight;
  std::uint64_t cursor = 0;  // round-robin position: one replication per needy system per lap
  DriveReport report;

  const auto hand_out = [&] {
    const auto targets = procedure.targets();
    std::uint64_t idle = 0;  // systems looked at in a row that wanted nothing
    while (in_flight.size() < options.in_flight && idle < systems) {
      const std::uint64_t system = cursor;
      cursor = (cursor + 1) % systems;
      if (issued[system] >= targets[system]) {
        ++idle;
        continue;
      }
      idle = 0;
      const std::uint64_t rep = issued[system]++;
      in_flight.push_back({system, rep, output(system, rep)});
      ++report.outputs_generated;
    }
  };

  // Like the broker's job: what the procedure skipped is never handed out.
  const auto advance = [&] {
    procedure.advance(store);
    for (std::uint64_t system : store.take_skipped()) {
      issued[system] = std::max(issued[system], store.released(system));
    }
  };

  std::size_t arrivals_since_advance = 0;
  advance();
  while (!procedure.finished()) {
    hand_out();
    if (in_flight.empty()) {
      throw std::runtime_error("procedure wants no more replications but has not finished");
    }
    std::uniform_int_distribution<std::size_t> pick(0, in_flight.size() - 1);
    std::swap(in_flight[pick(arrival_order)], in_flight.back());
    store.put(in_flight.back().system, in_flight.back().rep, in_flight.back().value);
    in_flight.pop_back();
    if (++arrivals_since_advance >= options.advance_every || in_flight.empty()) {
      advance();
      arrivals_since_advance = 0;
    }
  }
  return report;
}

}  // namespace simsel::testing
