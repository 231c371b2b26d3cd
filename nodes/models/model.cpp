// See model.h.
#include "nodes/models/model.h"

#include "common/models/model_catalog.h"

namespace simsel {

Result<std::unique_ptr<Model>> make_model(std::string_view name, const nlohmann::json& systems) {
  if (find_builtin_model(name) == nullptr) {
    std::string known;
    for (const auto& d : builtin_model_descriptors()) known += (known.empty() ? "" : ", ") + d.name;
    return make_error("model: unknown model '" + std::string(name) + "' (known: " + known + ")");
  }
  auto systems_set = make_system_set(name, systems);
  if (!systems_set) return systems_set.error();
  if (systems_set.value()->param_names().size() > Model::kMaxParams)
    return make_error("systems: more parameters than model " + std::string(name) + " has");
  auto simulator = make_builtin_simulator(name, systems_set.value()->param_names());
  if (!simulator) return simulator.error();
  return std::make_unique<Model>(std::move(systems_set.value()), std::move(simulator.value()));
}

}  // namespace simsel
