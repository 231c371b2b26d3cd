// Model: a built-in model bound to a job's systems — its SystemSet (common/models) and its
// BuiltinSimulator — for the code that simulates in one process: the node's compute threads,
// simsel-validate and the benchmarks. simulate() is const and thread-safe, so many threads share
// one instance; all randomness comes from the stream the caller passes in.
// Not here: models users bring (model_process.h, plugin_model.h), which a node runs through
// run_replications in nodes/worker; scheduling, sockets, statistics.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "common/models/system_set.h"
#include "common/rng/mrg32k3a.h"
#include "common/util/result.h"
#include "nodes/models/builtin_simulator.h"

namespace simsel {

class Model {
 public:
  // The most parameters a built-in model's system has (its schema allows no others).
  static constexpr std::size_t kMaxParams = 8;

  Model(std::unique_ptr<SystemSet> systems, std::unique_ptr<BuiltinSimulator> simulator)
      : systems_(std::move(systems)), simulator_(std::move(simulator)) {}

  std::uint64_t system_count() const { return systems_->size(); }
  // REQUIRES: i < system_count()
  nlohmann::json system_params(std::uint64_t i) const { return systems_->params(i); }
  const SystemSet& systems() const { return *systems_; }
  const BuiltinSimulator& simulator() const { return *simulator_; }

  // One replication of system i; returns the output whose mean is to be compared.
  // REQUIRES: i < system_count()
  double simulate(std::uint64_t i, Mrg32k3a& rng) const {
    double row[kMaxParams];
    (void)systems_->numbers(i, {row, systems_->param_names().size()});
    return simulator_->replicate(i, row, rng);
  }

 private:
  std::unique_ptr<SystemSet> systems_;
  std::unique_ptr<BuiltinSimulator> simulator_;
};

// A built-in model from its name and the job spec's `systems` value (model_catalog.h). Errors
// name the field path, e.g. "systems.list[3].sigma: must be > 0", or the unknown model.
Result<std::unique_ptr<Model>> make_model(std::string_view name, const nlohmann::json& systems);

}  // namespace simsel
