// SystemSet: a job's candidate systems, numbered 0..size()-1, each a set of named parameters.
// Built from the job spec's `systems` value (make_system_set in model_catalog.h) by the broker,
// the nodes and the web front alike, so all three number the systems the same way. Generated
// sets (grids, the normal model's configurations) compute a system's parameters from its index
// and never hold a list. Immutable after construction: safe to share between threads.
// Not here: what a system's parameters mean (the model) or whether they are valid for a model
// (model_descriptor.h).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

namespace simsel {

class SystemSet {
 public:
  virtual ~SystemSet() = default;

  virtual std::uint64_t size() const = 0;

  // The parameter names every system may carry, in a fixed order: the columns of numbers().
  virtual const std::vector<std::string>& param_names() const = 0;

  // System i's parameters as a JSON object, e.g. {"r1":6,"r2":7,"r3":7,"b2":12,"b3":8}; a
  // listed system holds only the parameters its list entry gave.
  // REQUIRES: i < size()
  virtual nlohmann::json params(std::uint64_t i) const = 0;

  // System i's parameters as numbers in param_names() order, NaN where the system has no value
  // (left to the model's default). The hot path of built-in and plugin models. Returns false if
  // some parameter of the set is not a number (a string of a listed system).
  // REQUIRES: i < size(), out.size() == param_names().size()
  virtual bool numbers(std::uint64_t i, std::span<double> out) const = 0;
};

}  // namespace simsel
