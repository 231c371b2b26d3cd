// See job_spec.h.
#include "common/jobspec/job_spec.h"

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace simsel {
namespace {

using nlohmann::json;

const std::set<std::string> kKnownFields = {"model",    "systems", "procedure", "delta",
                                            "alpha",    "n0",      "seed",      "crn",
                                            "maximize", "params",  "limits"};

class Checker {
 public:
  explicit Checker(const json& document) : doc_(document) {}

  const json* field(const std::string& key, bool required) {
    auto it = doc_.find(key);
    if (it == doc_.end()) {
      if (required) problem(key, "required");
      return nullptr;
    }
    return &*it;
  }
  void string(const std::string& key, std::string& out) {
    if (const json* v = field(key, true)) {
      if (v->is_string() && !v->get<std::string>().empty())
        out = v->get<std::string>();
      else
        problem(key, "must be a non-empty string");
    }
  }
  void number(const std::string& key, double& out, bool (*valid)(double), const char* rule) {
    if (const json* v = field(key, false)) {
      if (v->is_number() && valid(v->get<double>()))
        out = v->get<double>();
      else
        problem(key, rule);
    }
  }
  template <class Int>
  void integer(const std::string& key, Int& out, std::uint64_t min, const char* rule) {
    if (const json* v = field(key, false)) {
      if (is_non_negative_integer(*v) && v->get<std::uint64_t>() >= min &&
          v->get<std::uint64_t>() <= std::numeric_limits<Int>::max())
        out = static_cast<Int>(v->get<std::uint64_t>());
      else
        problem(key, rule);
    }
  }
  void boolean(const std::string& key, bool& out) {
    if (const json* v = field(key, false)) {
      if (v->is_boolean())
        out = v->get<bool>();
      else
        problem(key, "must be true or false");
    }
  }
  void problem(const std::string& path, const std::string& reason) {
    problems_.push_back(path + ": " + reason);
  }
  bool ok() const { return problems_.empty(); }
  Error error() const {
    std::string message = "invalid job spec:";
    for (const auto& p : problems_) message += "\n  " + p;
    return make_error(message, 422);
  }

 private:
  const json& doc_;
  std::vector<std::string> problems_;
};

void check_limits(Checker& check, const json* limits, JobLimits& out) {
  if (limits == nullptr) return;
  if (!limits->is_object()) return check.problem("limits", "must be a table");
  for (const auto& [key, value] : limits->items()) {
    if (key == "max_replications" && is_non_negative_integer(value) &&
        value.get<std::uint64_t>() > 0) {
      out.max_replications = value.get<std::uint64_t>();
    } else if (key == "max_wall_seconds" && value.is_number() && value.get<double>() > 0) {
      out.max_wall_seconds = value.get<double>();
    } else if (key == "max_replications" || key == "max_wall_seconds") {
      check.problem("limits." + key, "must be a positive number");
    } else {
      check.problem("limits." + key, "unknown limit (known: max_replications, max_wall_seconds)");
    }
  }
}

// TOML values to JSON: integers stay integers, dates are refused (no field uses them).
Result<json> toml_to_json(const toml::node& node, const std::string& path) {
  if (auto* table = node.as_table()) {
    json object = json::object();
    for (const auto& [key, child] : *table) {
      std::string child_path =
          path.empty() ? std::string(key.str()) : path + "." + std::string(key.str());
      auto value = toml_to_json(child, child_path);
      if (!value) return value;
      object[std::string(key.str())] = std::move(value.value());
    }
    return object;
  }
  if (auto* array = node.as_array()) {
    json list = json::array();
    for (std::size_t i = 0; i < array->size(); ++i) {
      auto value = toml_to_json(*array->get(i), path + "[" + std::to_string(i) + "]");
      if (!value) return value;
      list.push_back(std::move(value.value()));
    }
    return list;
  }
  if (auto v = node.value_exact<std::int64_t>()) {
    return *v >= 0 ? json(static_cast<std::uint64_t>(*v)) : json(*v);
  }
  if (auto v = node.value_exact<double>()) return json(*v);
  if (auto v = node.value_exact<bool>()) return json(*v);
  if (auto v = node.value_exact<std::string>()) return json(*v);
  return make_error(path + ": dates and times are not allowed in a job spec");
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream stream(line);
  std::string cell;
  while (std::getline(stream, cell, ',')) {
    auto first = cell.find_first_not_of(" \t\r");
    auto last = cell.find_last_not_of(" \t\r");
    cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
  }
  return cells;
}

// A CSV of systems: a header row of parameter names, then one row of numbers per system.
Result<json> read_systems_csv(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) return make_error("systems.csv: cannot open " + path.string());
  std::string line;
  if (!std::getline(file, line)) return make_error("systems.csv: " + path.string() + " is empty");
  auto header = split_csv_line(line);
  json list = json::array();
  for (std::size_t row = 2; std::getline(file, line); ++row) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto cells = split_csv_line(line);
    if (cells.size() != header.size())
      return make_error(path.string() + ":" + std::to_string(row) + ": expected " +
                        std::to_string(header.size()) + " columns, found " +
                        std::to_string(cells.size()));
    json system = json::object();
    for (std::size_t c = 0; c < cells.size(); ++c) {
      try {
        std::size_t used = 0;
        double value = std::stod(cells[c], &used);
        if (used != cells[c].size()) throw std::invalid_argument(cells[c]);
        bool integral = cells[c].find_first_of(".eE") == std::string::npos;
        system[header[c]] = integral ? json(static_cast<std::int64_t>(value)) : json(value);
      } catch (const std::exception&) {
        return make_error(path.string() + ":" + std::to_string(row) + ": column " + header[c] +
                          ": not a number: '" + cells[c] + "'");
      }
    }
    list.push_back(std::move(system));
  }
  return list;
}


}  // namespace

Result<json> parse_job_text(const std::filesystem::path& path, const std::string& text) {
  if (path.extension() == ".json") {
    json document = json::parse(text, nullptr, false);
    if (document.is_discarded()) return make_error(path.string() + ": not valid JSON");
    return document;
  }
  try {
    return toml_to_json(toml::parse(text, path.string()), "");
  } catch (const toml::parse_error& e) {
    return make_error(path.string() + ":" + std::to_string(e.source().begin.line) + ":" +
                      std::to_string(e.source().begin.column) + ": " +
                      std::string(e.description()));
  }
}

json JobSpec::to_json() const {
  json document = {{"model", model}, {"systems", systems}, {"procedure", procedure},
                   {"delta", delta}, {"alpha", alpha},     {"n0", n0},
                   {"seed", seed},   {"crn", crn},         {"params", params}};
  if (maximize) document["maximize"] = *maximize;
  json limit_fields = json::object();
  if (limits.max_replications) limit_fields["max_replications"] = *limits.max_replications;
  if (limits.max_wall_seconds) limit_fields["max_wall_seconds"] = *limits.max_wall_seconds;
  if (!limit_fields.empty()) document["limits"] = limit_fields;
  return document;
}

Result<JobSpec> parse_job_spec(const json& document) {
  if (!document.is_object()) return make_error("invalid job spec: expected an object", 422);
  JobSpec spec;
  Checker check(document);
  check.string("model", spec.model);
  check.string("procedure", spec.procedure);
  if (const json* systems = check.field("systems", true)) {
    if (systems->is_object())
      spec.systems = *systems;
    else
      check.problem("systems", "must be a table with `list` or `generator`");
  }
  check.number(
      "delta", spec.delta, [](double v) { return v > 0; }, "must be a number > 0");
  check.number(
      "alpha", spec.alpha, [](double v) { return v > 0 && v < 1; }, "must be a number in (0, 1)");
  // GSP's stage 0 only times the systems, so it may be skipped, and is by default (as in PyPRS);
  // every other procedure estimates variances from its first n0 outputs.
  if (spec.procedure == "gsp") {
    spec.n0 = 0;
    check.integer("n0", spec.n0, 0, "must be an integer >= 0");
  } else {
    check.integer("n0", spec.n0, 2, "must be an integer >= 2");
  }
  if (spec.n0 > 1'000'000) check.problem("n0", "must be at most 1000000");
  check.integer("seed", spec.seed, 0, "must be a non-negative integer");
  check.boolean("crn", spec.crn);
  if (document.contains("maximize")) {
    bool maximize = true;
    check.boolean("maximize", maximize);
    spec.maximize = maximize;
  }
  if (const json* params = check.field("params", false)) {
    if (params->is_object())
      spec.params = *params;
    else
      check.problem("params", "must be a table");
  }
  check_limits(check, check.field("limits", false), spec.limits);
  for (const auto& [key, value] : document.items()) {
    if (!kKnownFields.count(key)) check.problem(key, "unknown field");
  }
  if (!check.ok()) return check.error();
  return spec;
}

Result<json> load_job_file(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) return make_error(path.string() + ": cannot open job file");
  std::stringstream text;
  text << file.rdbuf();
  auto document = parse_job_text(path, text.str());
  if (!document) return document;
  auto systems_field = document->find("systems");
  if (systems_field == document->end()) return document;
  json& systems = *systems_field;
  if (systems.is_object() && systems.contains("csv")) {
    if (!systems["csv"].is_string()) return make_error("systems.csv: must be a file name");
    auto list = read_systems_csv(path.parent_path() / systems["csv"].get<std::string>());
    if (!list) return list;
    systems = json{{"list", std::move(list.value())}};
  }
  return document;
}

}  // namespace simsel
