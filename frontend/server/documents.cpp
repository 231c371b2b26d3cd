// See documents.h.
#include "frontend/server/documents.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "common/jobspec/job_spec.h"

namespace simsel::web {
namespace {

// Shortest text that reads back as the same double (CSV readers parse it exactly).
std::string number_text(const nlohmann::json& value) {
  if (value.is_number_float()) {
    const double number = value.get<double>();
    if (!std::isfinite(number)) return "";
  }
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string csv_cell(const nlohmann::json& value) {
  std::string text = number_text(value);
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

std::string error_body(std::string_view message) {
  return nlohmann::json{{"error", message}}.dump();
}

Result<nlohmann::json> job_spec_from_body(std::string_view body) {
  nlohmann::json spec = nlohmann::json::parse(body, nullptr, false);
  if (spec.is_discarded()) return make_error("body: not JSON (expected a job spec object)");
  if (!spec.is_object()) return make_error("body: must be a JSON object (a job spec)");
  if (spec.contains("systems") && spec["systems"].is_object() && spec["systems"].contains("csv"))
    return make_error("systems.csv: not accepted over HTTP (no file to read); send systems.list");
  auto parsed = parse_job_spec(spec);
  if (!parsed) return parsed.error();
  return spec;
}

nlohmann::json job_resource(const nlohmann::json& status_reply) {
  nlohmann::json job = status_reply.at("job");
  job["spec"] = status_reply.value("spec", nlohmann::json());
  const std::string self = "/api/jobs/" + std::to_string(job.value("job_id", std::uint64_t{0}));
  job["links"] = {{"self", self},
                  {"events", self + "/events"},
                  {"results", self + "/results"},
                  {"result_csv", self + "/result.csv"}};
  return job;
}

nlohmann::json cluster_view(const nlohmann::json& cluster, const nlohmann::json& previous) {
  nlohmann::json view = cluster;
  std::map<std::string, std::uint64_t> done_before;
  if (previous.is_object() && previous.contains("workers")) {
    for (const auto& worker : previous["workers"])
      done_before[worker.value("name", "")] = worker.value("replications_done", std::uint64_t{0});
  }
  const double seconds =
      previous.is_object() && previous.contains("published_at")
          ? (cluster.value("published_at", 0.0) - previous.value("published_at", 0.0)) * 1e-6
          : 0;
  nlohmann::json workers = nlohmann::json::array();
  for (nlohmann::json worker : cluster.value("workers", nlohmann::json::array())) {
    const std::string name = worker.value("name", "");
    worker["host"] = name.substr(0, name.rfind(':'));
    worker["busy"] = std::min(worker.value("in_flight", std::uint64_t{0}),
                              worker.value("slots", std::uint64_t{0}));
    worker["last_heartbeat_ms"] = worker.value("last_seen_ms", std::uint64_t{0});
    const auto done = worker.value("replications_done", std::uint64_t{0});
    auto before = done_before.find(name);
    worker["replications_per_second"] =
        before != done_before.end() && seconds > 0 && done >= before->second
            ? static_cast<double>(done - before->second) / seconds
            : 0.0;
    workers.push_back(std::move(worker));
  }
  view["workers_alive"] = workers.size();
  view["workers"] = std::move(workers);
  return view;
}

std::string results_csv_header(const nlohmann::json& params) {
  std::string header = "system";
  for (const auto& [name, value] : params.items()) header += "," + csv_cell(name);
  return header + ",replications,mean,stddev,selected\n";
}

std::string results_csv_rows(const nlohmann::json& rows) {
  std::ostringstream out;
  for (const auto& row : rows) {
    out << row.value("index", std::uint64_t{0});
    const nlohmann::json params = row.value("params", nlohmann::json::object());
    for (const auto& [name, value] : params.items()) out << ',' << csv_cell(value);
    const auto replications = row.value("replications", std::uint64_t{0});
    out << ',' << replications << ',' << csv_cell(row.value("mean", nlohmann::json()));
    out << ',' << (replications >= 2 ? csv_cell(row.value("stddev", nlohmann::json())) : "");
    out << ',' << (row.value("selected", false) ? 1 : 0) << '\n';
  }
  return out.str();
}

}  // namespace simsel::web
