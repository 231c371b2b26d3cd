// Model: a stochastic simulation and its candidate systems, built from a job spec.
// A model is pure logic: simulate() is const and thread-safe, so many worker threads share
// one instance; all randomness comes from the stream the caller passes in.
// Not here: scheduling, sockets, statistics (see nodes/worker and broker/procedures).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/rng/mrg32k3a.h"
#include "common/util/result.h"

namespace simsel {

class Model {
 public:
  virtual ~Model() = default;

  // Number of candidate systems, indexed 0..system_count()-1.
  virtual std::uint64_t system_count() const = 0;

  // The parameters of system i as a JSON object, e.g. {"r1":6,"r2":7,"r3":7,"b2":12,"b3":8}.
  // REQUIRES: i < system_count()
  virtual nlohmann::json system_params(std::uint64_t i) const = 0;

  // One replication of system i; returns the output whose mean is to be compared.
  // REQUIRES: i < system_count()
  virtual double simulate(std::uint64_t i, Mrg32k3a& rng) const = 0;
};

// What a model accepts, for documentation, validation messages and the web front.
struct ModelInfo {
  std::string name;         // "normal", "tp", "sS"
  std::string description;  // one sentence
  bool larger_is_better;    // the default sense of "best" for this model
  nlohmann::json schema;    // {"params": {...per-system parameters...}, "generators": {...}}
};

// Builds a model from its name and the job spec's `systems` value, which is either
//   {"list": [ {param: value, ...}, ... ]}                  explicit systems, or
//   {"generator": "<name>", <generator parameters>...}     systems enumerated on demand.
// Errors name the field path, e.g. "systems.list[3].sigma: must be > 0".
Result<std::unique_ptr<Model>> make_model(std::string_view name, const nlohmann::json& systems);

// Every registered model, in a stable order.
const std::vector<ModelInfo>& model_catalog();

}  // namespace simsel
