// The models built into simsel, one entry per model file (normal.cpp, tp.cpp, ss.cpp);
// registry.cpp lists them for make_model and model_catalog. Internal to nodes/models.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "common/util/result.h"
#include "nodes/models/model.h"

namespace simsel {

struct ModelEntry {
  ModelInfo info;
  // Validates the job spec's `systems` value and builds the model.
  Result<std::unique_ptr<Model>> (*make)(const nlohmann::json& systems);
};

ModelEntry normal_model_entry();
ModelEntry tp_model_entry();
ModelEntry ss_model_entry();

}  // namespace simsel
