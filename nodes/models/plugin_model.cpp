// See plugin_model.h. RTLD_LOCAL keeps a plugin's symbols from clashing with the node's or
// another plugin's; RTLD_NOW reports an unresolved symbol at load, not mid-job.
#include "nodes/models/plugin_model.h"

#include <dlfcn.h>

#include <algorithm>

#include "common/protocol/messages.h"
#include "nodes/models/model_messages.h"
#include "sdk/c/simsel_plugin.h"

namespace simsel {

Result<std::unique_ptr<PluginModel>> PluginModel::load(const ModelConfig& config) {
  const std::string who = "plugin '" + config.name + "' (" + config.plugin + ")";
  void* library = ::dlopen(config.plugin.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) return make_error(who + ": " + ::dlerror());
  std::unique_ptr<PluginModel> model;
  const auto refuse = [&](const std::string& why) -> Error {
    if (!model) ::dlclose(library);  // else the destructor closes it
    return make_error(who + ": " + why);
  };
  void* entry = ::dlsym(library, SIMSEL_PLUGIN_ENTRY_SYMBOL);
  if (entry == nullptr)
    return refuse("no symbol " SIMSEL_PLUGIN_ENTRY_SYMBOL " (see sdk/c/simsel_plugin.h)");
  const simsel_model_plugin* plugin = reinterpret_cast<simsel_model_plugin_entry>(entry)();
  if (plugin == nullptr) return refuse(SIMSEL_PLUGIN_ENTRY_SYMBOL " returned NULL");
  if (plugin->abi_version != SIMSEL_PLUGIN_ABI_VERSION)
    return refuse("ABI version " + std::to_string(plugin->abi_version) + ", this node loads " +
                  std::to_string(SIMSEL_PLUGIN_ABI_VERSION));
  model.reset(new PluginModel(library, plugin));
  if (plugin->describe_json == nullptr || plugin->simulate == nullptr)
    return refuse("describe_json and simulate must be set");
  const auto hello = nlohmann::json::parse(plugin->describe_json, nullptr, false);
  if (!hello.is_object()) return refuse("describe_json is not a JSON object");
  if (!hello.contains("protocol") || hello["protocol"] != model_protocol::kVersion)
    return refuse("describe_json.protocol must be " + std::to_string(model_protocol::kVersion));
  Result<ModelDescriptor> descriptor = descriptor_from_json(hello, "describe_json");
  if (!descriptor) return refuse(descriptor.error().message);
  if (descriptor->name != config.name)
    return refuse("it names itself '" + descriptor->name +
                  "'; the node config must use the model's own name");
  descriptor->kind = "plugin";
  const nlohmann::json& params = descriptor->schema["params"];
  if (plugin->param_count != params.size() || (plugin->param_count > 0 && !plugin->param_names))
    return refuse("param_names must list the " + std::to_string(params.size()) +
                  " parameters of describe_json, each once");
  for (std::uint32_t k = 0; k < plugin->param_count; ++k) {
    const std::string name = plugin->param_names[k] ? plugin->param_names[k] : "";
    if (!params.contains(name) ||
        std::count(model->param_names_.begin(), model->param_names_.end(), name))
      return refuse("param_names[" + std::to_string(k) + "] '" + name +
                    "' is not a parameter of describe_json, or is listed twice");
    if (params[name].value("type", "number") == "string")
      return refuse("parameter '" + name + "' is a string; plugins take numbers only");
    model->param_names_.push_back(name);
  }
  model->descriptor_ = std::move(descriptor.value());
  return model;
}

PluginModel::~PluginModel() { ::dlclose(library_); }

Status PluginModel::simulate(const double* params, std::uint64_t system, std::uint64_t first,
                             std::uint32_t count, const std::uint64_t* states,
                             double* outputs) const {
  char error[SIMSEL_PLUGIN_MIN_ERROR_SIZE] = "";
  if (plugin_->simulate(params, system, first, count, states, outputs, error, sizeof error) != 0) {
    error[sizeof error - 1] = '\0';
    return make_error(error[0] ? std::string(error) : std::string("failed without a message"),
                      protocol::kInvalidSpec);
  }
  return Ok{};
}

}  // namespace simsel
