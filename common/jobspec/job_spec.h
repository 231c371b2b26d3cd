// JobSpec: what a user asks for — a model and its systems, a procedure and its requirements,
// a seed, optional limits. Parsed from JSON (the API form); TOML job files are converted to the
// same JSON first (load_job_file). Validation reports every problem found, each with its field
// path. Model- and procedure-specific parameters are checked by make_model / make_procedure.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/util/result.h"

namespace simsel {

struct JobLimits {
  std::optional<std::uint64_t> max_replications;  // fail once the procedure used this many reps
  std::optional<double> max_wall_seconds;         // stop (failed) past this wall time
};

struct JobSpec {
  std::string model;
  nlohmann::json systems;  // {"list": [...]} or {"generator": ..., ...}; see nodes/models/model.h
  std::string procedure;
  double delta = 0.1;
  double alpha = 0.05;
  std::uint32_t n0 = 20;  // 0 by default for gsp
  std::uint64_t seed = 1;
  bool crn = false;
  std::optional<bool> maximize;                      // absent: the model's own sense of "best"
  nlohmann::json params = nlohmann::json::object();  // procedure-specific
  JobLimits limits;

  nlohmann::json to_json() const;
};

// A JSON integer >= 0, whether stored signed (built in C++) or unsigned (parsed or unpacked).
inline bool is_non_negative_integer(const nlohmann::json& value) {
  return value.is_number_unsigned() ||
         (value.is_number_integer() && value.get<std::int64_t>() >= 0);
}

// Checks types and ranges of the common fields; every problem is listed, one per line.
Result<JobSpec> parse_job_spec(const nlohmann::json& document);

// A job file's text in its JSON form, TOML or JSON by the extension of `path` (which names the
// text in errors: file:line:column). Nothing is read from disk.
Result<nlohmann::json> parse_job_text(const std::filesystem::path& path, const std::string& text);

// Reads a TOML (.toml) or JSON (.json) job file into its JSON form; a `systems.csv` file is
// read (relative to the job file) into `systems.list`. Syntax errors give file:line:column.
Result<nlohmann::json> load_job_file(const std::filesystem::path& path);

}  // namespace simsel
