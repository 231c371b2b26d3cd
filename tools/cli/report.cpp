// See report.h.
#include "tools/cli/report.h"

#include <cstdio>
#include <ostream>
#include <string>

namespace simsel {
namespace {

std::string fixed(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

std::uint64_t count(const nlohmann::json& document, const char* key) {
  return document.value(key, std::uint64_t{0});
}

std::string progress_bar(double fraction) {
  constexpr int kWidth = 20;
  const int filled = static_cast<int>(fraction * kWidth + 0.5);
  return "[" + std::string(filled, '#') + std::string(kWidth - filled, '-') + "] " +
         fixed(100 * fraction, 0) + "%";
}

}  // namespace

std::string progress_line(const JobFigures& figures) {
  std::string line = "job " + std::to_string(figures.job_id) + " " + figures.state + " | " +
                     figures.procedure + " " + figures.stage;
  if (figures.fraction) line += " " + progress_bar(*figures.fraction);
  line += " | survivors " + std::to_string(figures.survivors) + "/" +
          std::to_string(figures.systems) + " | " + std::to_string(figures.replications) +
          " reps | " + fixed(figures.replications_per_second, 0) + " reps/s | " +
          duration_words(figures.wall_seconds);
  if (figures.seconds_left && figures.state == "running")
    line += " | stage left " + duration_words(*figures.seconds_left);
  return line;
}

void print_result(std::ostream& out, const nlohmann::json& document) {
  out << "job " << count(document, "job_id") << ": " << document.value("state", "?") << "\n"
      << "  procedure      " << document.value("procedure", "") << " on "
      << count(document, "systems") << " systems of model " << document.value("model", "")
      << " (seed " << count(document, "seed") << ", crn "
      << (document.value("crn", false) ? "on" : "off") << ")\n";
  if (document.contains("best")) {
    const auto& best = document["best"];
    out << "  best system    #" << best.value("index", std::uint64_t{0}) << " "
        << best["params"].dump() << "\n"
        << "  estimated mean " << fixed(best.value("mean", 0.0), 6) << " from "
        << best.value("replications", std::uint64_t{0}) << " replications\n"
        << "  guarantee      " << document.value("guarantee", "") << "\n";
  }
  // An early stop's simultaneous intervals: how far behind the next leaders may really be.
  for (const auto& other : document.value("stop_intervals", nlohmann::json::array()))
    out << "  vs #" << other.value("index", std::uint64_t{0}) << " " << other["params"].dump()
        << "  difference " << fixed(other.value("difference", 0.0), 6) << " +- "
        << fixed(other.value("half_width", 0.0), 6) << "\n";
  if (document.contains("error"))
    out << "  error          " << document["error"].get<std::string>() << "\n";
  if (document.contains("waiting"))
    out << "  waiting        " << document["waiting"].get<std::string>() << "\n";
  out << "  replications   " << count(document, "total_replications") << " used, "
      << count(document, "simulated_replications") << " simulated\n"
      << "  wall time      " << fixed(document.value("wall_seconds", 0.0), 3) << " s\n"
      << "  utilization    " << fixed(100.0 * document.value("utilization", 0.0), 1)
      << "% of worker slots\n";
}

nlohmann::json result_json(const nlohmann::json& document) {
  nlohmann::json result = document;
  // The live figures are what a running job's status is for; an ended job's are stale.
  const std::string state = document.value("state", "");
  if (state != "queued" && state != "running") result.erase("progress");
  result.erase("seq");  // a stream detail, not part of the result
  return result;
}

}  // namespace simsel
