// The model catalog of the descriptor side: the built-in models' descriptors, and
// make_system_set, which turns a job spec's `systems` value into its SystemSet for any model.
// Every model takes the generic forms, an explicit `list` (or a CSV file, read into a list by
// load_job_file) and a `grid`; built-in models also have their own generators (normal:
// configuration; tp: flowline; sS: its grid shorthand), written here in terms of the generic
// sets where they can be. Pure; linked by broker, nodes and web front.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "common/models/model_descriptor.h"
#include "common/models/system_set.h"
#include "common/util/result.h"

namespace simsel {

// normal, tp, sS, in that order.
const std::vector<ModelDescriptor>& builtin_model_descriptors();
// Null when `name` is not a built-in model.
const ModelDescriptor* find_builtin_model(std::string_view name);

// The systems of a job of model `model`: {"list": [...]}, {"generator": "grid", "params": [...],
// "constraints": [...]}, or a built-in model's generator. The systems of a built-in model are
// checked against its schema here; those of another model only once its descriptor is known
// (check_systems, by the broker when a node offers the model). Errors name the field: "systems.L: must be an integer >= 3".
Result<std::unique_ptr<SystemSet>> make_system_set(std::string_view model,
                                                   const nlohmann::json& systems);

}  // namespace simsel
