// How the CLI shows a job: the one-line live progress and the final result table.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>

#include "tools/cli/live_figures.h"

namespace simsel {

// "job 3 running | kn first stage [#####-----] 50% | survivors 8/10 | 12345 reps |
//  45678 reps/s | 1.2 s | stage left 1.3 s" (the bar and the time left when known)
std::string progress_line(const JobFigures& figures);

// The human-readable result of a job (any state).
void print_result(std::ostream& out, const nlohmann::json& document);

// The --json form: the job document with the fields docs promise, one object.
nlohmann::json result_json(const nlohmann::json& document);

}  // namespace simsel
