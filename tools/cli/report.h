// How the CLI shows a job: the one-line live progress and the final result table.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>

namespace simsel {

// "kn first stage | survivors 8/10 | 12,345 reps | 45,678 reps/s | 1.2 s"
std::string progress_line(const nlohmann::json& document);

// The human-readable result of a job (any state).
void print_result(std::ostream& out, const nlohmann::json& document);

// The --json form: the job document with the fields docs promise, one object.
nlohmann::json result_json(const nlohmann::json& document);

}  // namespace simsel
