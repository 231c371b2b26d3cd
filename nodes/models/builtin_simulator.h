// BuiltinSimulator: the simulation half of a built-in model (normal, tp, sS), compiled into the
// node. A replication reads the system's parameters as numbers (SystemSet::numbers) and draws
// all its randomness from the generator it is given. const and thread-safe: the compute threads
// of a node share one. Not here: which systems exist (common/models) or the process and plugin
// models users bring (model_process.h, plugin_model.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/rng/mrg32k3a.h"
#include "common/util/result.h"

namespace simsel {

class BuiltinSimulator {
 public:
  virtual ~BuiltinSimulator() = default;

  // One replication of system `system`, whose parameters are `row` in the column order the
  // simulator was made for; returns the output.
  virtual double replicate(std::uint64_t system, const double* row, Mrg32k3a& rng) const = 0;
};

// The simulator of built-in model `model` for systems whose parameters come in `columns` order
// (SystemSet::param_names). Errors: not a built-in model; a column the model needs is missing.
Result<std::unique_ptr<BuiltinSimulator>> make_builtin_simulator(
    std::string_view model, const std::vector<std::string>& columns);

// One entry per model file (normal.cpp, tp.cpp, ss.cpp).
std::unique_ptr<BuiltinSimulator> make_normal_simulator(const std::vector<std::string>& columns);
std::unique_ptr<BuiltinSimulator> make_tp_simulator(const std::vector<std::string>& columns);
std::unique_ptr<BuiltinSimulator> make_ss_simulator(const std::vector<std::string>& columns);

// The position of `name` in `columns`, or -1.
int column_of(const std::vector<std::string>& columns, std::string_view name);

}  // namespace simsel
