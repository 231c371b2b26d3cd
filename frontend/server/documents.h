// The JSON documents of simsel-web's REST API (docs/HTTP_API.md) built from what the broker
// says: the job spec from a request body, the job resource, the cluster view with per-worker
// rates, the per-system results as CSV, and error bodies. Pure functions of their inputs.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/util/result.h"

namespace simsel::web {

// {"error": message}
std::string error_body(std::string_view message);

// Parses a POST /api/jobs body into the job spec to SUBMIT. Errors name the field: not JSON
// ("body: not JSON: ..."), not an object, `systems.csv` (no file to read here), and every
// problem the job-spec parser finds ("invalid job spec:\n  delta: must be a number").
Result<nlohmann::json> job_spec_from_body(std::string_view body);

// GET /api/jobs/{id}: the STATUS reply's job document with `spec` and `links` added.
nlohmann::json job_resource(const nlohmann::json& status_reply);

// Adds the front's view to a CLUSTER document: per-worker `host`, `busy`, `last_heartbeat_ms`
// and `replications_per_second` (from `previous`, the update before, if any), `workers_alive`.
nlohmann::json cluster_view(const nlohmann::json& cluster, const nlohmann::json& previous);

// The header row of result.csv for rows whose params are `params` (an object).
std::string results_csv_header(const nlohmann::json& params);
// One CSV line per row of a RESULTS page, columns as results_csv_header.
std::string results_csv_rows(const nlohmann::json& rows);

}  // namespace simsel::web
