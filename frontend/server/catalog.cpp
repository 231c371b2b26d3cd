// See catalog.h. Models describe themselves (common/models and the nodes' HELLOs); procedures
// are described by the procedure catalog (broker/procedures/procedure_catalog.h).
#include "frontend/server/catalog.h"

#include <map>
#include <string>

#include "broker/procedures/procedure_catalog.h"
#include "common/models/model_catalog.h"

namespace simsel::web {
namespace {

using nlohmann::json;

json field(const char* type, json default_value, const char* help) {
  json described = {{"type", type}, {"help", help}};
  if (!default_value.is_null()) described["default"] = std::move(default_value);
  return described;
}

json common_fields() {
  json delta =
      field("number", 0.1, "indifference zone: differences smaller than delta do not matter");
  delta["exclusiveMinimum"] = 0;
  json alpha = field("number", 0.05, "the guarantee holds with probability at least 1 - alpha");
  alpha["exclusiveMinimum"] = 0;
  alpha["maximum"] = 1;
  json n0 = field("integer", 20,
                  "first-stage replications per system; at least the procedure's smallest_n0");
  n0["minimum"] = 0;  // each procedure's smallest_n0 raises it
  json seed = field("integer", 1, "the job's random seed: same seed, same answer");
  seed["minimum"] = 0;
  json max_replications =
      field("integer", nullptr, "fail the job once the procedure has used this many replications");
  max_replications["minimum"] = 1;
  json max_wall = field("number", nullptr, "fail the job after this wall time, seconds");
  max_wall["exclusiveMinimum"] = 0;
  return {
      {"delta", delta},
      {"alpha", alpha},
      {"n0", n0},
      {"seed", seed},
      {"crn", field("boolean", false,
                    "common random numbers: replication r of every system draws the same stream")},
      {"maximize",
       field("boolean", nullptr, "larger mean is better; absent: the model's own sense")},
      {"limits.max_replications", max_replications},
      {"limits.max_wall_seconds", max_wall}};
}

json build_models_document() {
  json models = json::array();
  for (const ModelDescriptor& model : builtin_model_descriptors()) models.push_back(model.to_json());
  json procedures = json::array();
  for (const ProcedureDescription* procedure : procedure_catalog())
    procedures.push_back(procedure->to_json());
  return {{"models", models}, {"procedures", procedures}, {"fields", common_fields()}};
}

json operation(const char* summary, std::map<std::string, const char*> responses,
               bool job_id = false) {
  json described = {{"summary", summary}, {"responses", json::object()}};
  for (const auto& [code, text] : responses) described["responses"][code] = {{"description", text}};
  if (job_id) {
    described["parameters"] = json::array({{{"name", "id"},
                                            {"in", "path"},
                                            {"required", true},
                                            {"schema", {{"type", "integer"}, {"minimum", 1}}}}});
  }
  return described;
}

json build_openapi_document() {
  const char* kStream = "text/event-stream of snapshot, stats and cluster events";
  json paths = {
      {"/api/jobs",
       {{"post", operation("Submit a job spec (JSON)",
                           {{"202", "accepted; Location: /api/jobs/{id}"},
                            {"400", "not a valid job spec; the error names the field"},
                            {"413", "body too large"},
                            {"503", "broker unreachable"}})},
        {"get",
         operation("All jobs", {{"200", "{jobs: [job document]}"}, {"503", "not synced"}})}}},
      {"/api/jobs/{id}",
       {{"get", operation("One job: document, spec, progress, result",
                          {{"200", "job document"}, {"404", "unknown job"}}, true)},
        {"delete",
         operation("Cancel a job",
                   {{"200", "job document"}, {"404", "unknown job"}, {"409", "already ended"}},
                   true)}}},
      {"/api/jobs/{id}/stop",
       {{"post", operation("Stop a running job now: the current best, stated as an early stop "
                           "(state stopped, guarantee and stop_intervals say what is known)",
                           {{"200", "job document"},
                            {"404", "unknown job"},
                            {"409", "already ended, not started, or nothing to select yet"}},
                           true)}}},
      {"/api/jobs/{id}/pause",
       {{"post", operation("Pause a job: no new tasks; those in flight complete",
                           {{"200", "job document (paused true)"},
                            {"404", "unknown job"},
                            {"409", "already ended or already paused"}},
                           true)}}},
      {"/api/jobs/{id}/resume",
       {{"post", operation("Resume a paused job",
                           {{"200", "job document"},
                            {"404", "unknown job"},
                            {"409", "already ended or not paused"}},
                           true)}}},
      {"/api/jobs/{id}/priority",
       {{"post", operation("Set a job's weight in the fair share of worker slots: body "
                           "{\"weight\": w}, w in [0.01, 1000], default 1",
                           {{"200", "job document"},
                            {"400", "no weight, or out of range"},
                            {"404", "unknown job"},
                            {"409", "already ended"}},
                           true)}}},
      {"/api/jobs/{id}/extend",
       {{"post", operation("More for a running job: body {\"budget\": N} (fixed-budget "
                           "procedures) and/or {\"max_replications\": M}, each larger than now",
                           {{"200", "job document"},
                            {"400", "malformed body or field"},
                            {"404", "unknown job"},
                            {"409", "ended, no budget to extend, or not larger"}},
                           true)}}},
      {"/api/jobs/{id}/results",
       {{"get",
         operation(
             "Per-system statistics, paged (offset, limit)",
             {{"200", "results page"}, {"400", "bad offset or limit"}, {"404", "unknown job"}},
             true)}}},
      {"/api/jobs/{id}/result.csv",
       {{"get",
         operation("Per-system final statistics as CSV",
                   {{"200", "text/csv"}, {"404", "unknown job"}, {"409", "not ended"}}, true)}}},
      {"/api/jobs/{id}/events",
       {{"get", operation("Live updates of one job (Last-Event-ID or ?last_event_id= resumes)",
                          {{"200", kStream}, {"404", "unknown job"}, {"503", "too many viewers"}},
                          true)}}},
      {"/api/events",
       {{"get", operation("Live updates of every job and the cluster",
                          {{"200", kStream}, {"503", "too many viewers"}})}}},
      {"/api/cluster", {{"get", operation("Workers and slots", {{"200", "cluster view"}})}}},
      {"/api/models",
       {{"get",
         operation("Models, procedures and job fields with schemas", {{"200", "catalog"}})}}},
      {"/api/openapi.json", {{"get", operation("This document", {{"200", "OpenAPI 3.0"}})}}},
      {"/healthz",
       {{"get",
         operation("Liveness and broker sync", {{"200", "synced"}, {"503", "not synced"}})}}},
      {"/metrics", {{"get", operation("Prometheus metrics", {{"200", "text format 0.0.4"}})}}},
  };
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "simsel web API"},
        {"version", "1"},
        {"description", "Ranking-and-selection jobs over a simsel cluster; see docs/HTTP_API.md"}}},
      {"paths", paths}};
}

}  // namespace

nlohmann::json models_document(const nlohmann::json& cluster) {
  static const json builtin = build_models_document();
  json document = builtin;
  if (const auto offered = cluster.find("models"); offered != cluster.end() && offered->is_array())
    for (const json& model : *offered) document["models"].push_back(model);
  return document;
}

const nlohmann::json& openapi_document() {
  static const json document = build_openapi_document();
  return document;
}

}  // namespace simsel::web
