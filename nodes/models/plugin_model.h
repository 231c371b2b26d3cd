// PluginModel: a native model plugin (sdk/c/simsel_plugin.h, ABI version 1) loaded into the
// node with dlopen: its ABI version checked, its describe_json read as a HELLO is, its
// param_names matched against the schema it describes. Shared by all compute threads (the ABI
// requires simulate to be thread-safe); unloaded with dlclose when the node ends.
// Not here: which states a replication gets (nodes/worker/task_runner.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/config/config.h"
#include "common/models/model_descriptor.h"
#include "common/util/result.h"

struct simsel_model_plugin;

namespace simsel {

class PluginModel {
 public:
  // Loads config.plugin. Errors name the library and what is wrong: dlopen's message, a missing
  // entry symbol, another ABI version, a describe_json that is not a valid HELLO or names
  // another model than config.name, param_names that do not list the described parameters, a
  // string parameter.
  static Result<std::unique_ptr<PluginModel>> load(const ModelConfig& config);

  PluginModel(const PluginModel&) = delete;
  PluginModel& operator=(const PluginModel&) = delete;
  ~PluginModel();

  const ModelDescriptor& descriptor() const { return descriptor_; }
  // The order simulate() takes parameters in.
  const std::vector<std::string>& param_names() const { return param_names_; }

  // `count` replications of `system` from `states` (6 x streams x count) into outputs[count].
  // An error carries the plugin's own message.
  Status simulate(const double* params, std::uint64_t system, std::uint64_t first,
                  std::uint32_t count, const std::uint64_t* states, double* outputs) const;

 private:
  PluginModel(void* library, const simsel_model_plugin* plugin)
      : library_(library), plugin_(plugin) {}

  void* library_;
  const simsel_model_plugin* plugin_;
  ModelDescriptor descriptor_;
  std::vector<std::string> param_names_;
};

}  // namespace simsel
