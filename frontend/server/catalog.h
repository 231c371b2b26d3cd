// The self-description of simsel-web: GET /api/models (models with their parameter schemas,
// procedures with theirs, the common job-spec fields, each with type, default and help: what a
// job form needs) and GET /api/openapi.json (an OpenAPI 3.0 description of every route).
// Built once from the model catalog and the procedure registry; pure values. The models users
// bring join the list while some live node offers them (the cluster view's `models`).
#pragma once

#include <nlohmann/json.hpp>

namespace simsel::web {

// `cluster` is the cluster view (GET /api/cluster); its `models` are appended to the built-in
// ones, each with `workers`, the number of live nodes offering it.
nlohmann::json models_document(const nlohmann::json& cluster);
const nlohmann::json& openapi_document();

}  // namespace simsel::web
