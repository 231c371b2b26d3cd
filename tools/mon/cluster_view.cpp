// See cluster_view.h. The table is plain text padded with printf widths, redrawn whole.
#include "tools/mon/cluster_view.h"

#include <cstdio>
#include <ostream>

namespace simsel {
namespace {

std::string row(const char* format, auto... values) {
  char text[256];
  std::snprintf(text, sizeof text, format, values...);
  return text;
}

std::string percent_or_dash(const std::optional<double>& fraction) {
  return fraction ? row("%.0f%%", 100 * *fraction) : "-";
}

std::string left_or_dash(const JobFigures& job) {
  return job.seconds_left && job.state == "running" ? duration_words(*job.seconds_left) : "-";
}

}  // namespace

nlohmann::json ClusterView::apply(const StatsUpdate& update, double seconds) {
  nlohmann::json line = {{"topic", update.topic}, {"seq", update.body.value("seq", 0)}};
  if (update.command == "CLUSTER") {
    cluster_ = update.body;
    for (const char* key : {"workers", "slots", "busy", "jobs_active"})
      line[key] = update.body.value(key, nlohmann::json());
    return line;
  }
  const JobFigures figures = live_.update(update.body, seconds);
  jobs_[figures.job_id] = figures;
  line.update(figures.to_json());
  for (const char* key : {"best", "guarantee", "error"})
    if (update.body.contains(key)) line[key] = update.body[key];
  return line;
}

bool ClusterView::all_ended(const std::vector<std::uint64_t>& job_ids) const {
  for (std::uint64_t id : job_ids) {
    auto it = jobs_.find(id);
    if (it == jobs_.end() || !is_final_state(it->second.state)) return false;
  }
  return true;
}

void ClusterView::render_table(std::ostream& out) const {
  out << row("workers %zu  slots %llu  busy %llu  jobs active %llu\n\n",
             cluster_.value("workers", nlohmann::json::array()).size(),
             cluster_.value("slots", 0ull), cluster_.value("busy", 0ull),
             cluster_.value("jobs_active", 0ull));
  out << row("%5s  %-10s %-9s %-26s %11s %12s %10s %6s %12s %12s\n", "JOB", "STATE", "PROCEDURE",
             "STAGE", "SURVIVORS", "REPS", "REPS/S", "STAGE", "STAGE LEFT", "WALL");
  for (const auto& [id, job] : jobs_) {
    const std::string survivors = std::to_string(job.survivors) + "/" + std::to_string(job.systems);
    out << row("%5llu  %-10s %-9s %-26.26s %11s %12llu %10.0f %6s %12s %12s\n",
               static_cast<unsigned long long>(id), job.state.c_str(), job.procedure.c_str(),
               job.stage.c_str(), survivors.c_str(),
               static_cast<unsigned long long>(job.replications), job.replications_per_second,
               percent_or_dash(job.fraction).c_str(), left_or_dash(job).c_str(),
               duration_words(job.wall_seconds).c_str());
  }
  out << "\n"
      << row("%-32s %6s %10s %14s %10s\n", "WORKER", "SLOTS", "IN FLIGHT", "REPS DONE",
             "LAST SEEN");
  for (const auto& worker : cluster_.value("workers", nlohmann::json::array()))
    out << row("%-32.32s %6llu %10llu %14llu %7llu ms\n",
               worker.value("name", std::string()).c_str(), worker.value("slots", 0ull),
               worker.value("in_flight", 0ull), worker.value("replications_done", 0ull),
               worker.value("last_seen_ms", 0ull));
}

}  // namespace simsel
