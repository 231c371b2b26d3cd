// The model registry: make_model and model_catalog over the built-in models.
#include <string>

#include "nodes/models/builtin_models.h"
#include "nodes/models/model.h"

namespace simsel {
namespace {

const std::vector<ModelEntry>& entries() {
  static const std::vector<ModelEntry> all{normal_model_entry(), tp_model_entry(),
                                           ss_model_entry()};
  return all;
}

std::string known_names() {
  std::string names;
  for (const ModelEntry& entry : entries()) names += (names.empty() ? "" : ", ") + entry.info.name;
  return names;
}

}  // namespace

Result<std::unique_ptr<Model>> make_model(std::string_view name, const nlohmann::json& systems) {
  for (const ModelEntry& entry : entries()) {
    if (entry.info.name == name) return entry.make(systems);
  }
  return make_error("model: unknown model '" + std::string(name) + "' (known: " + known_names() +
                    ")");
}

const std::vector<ModelInfo>& model_catalog() {
  static const std::vector<ModelInfo> catalog = [] {
    std::vector<ModelInfo> infos;
    for (const ModelEntry& entry : entries()) infos.push_back(entry.info);
    return infos;
  }();
  return catalog;
}

}  // namespace simsel
