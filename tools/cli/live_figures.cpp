// See live_figures.h. The job document carries no planned total of replications (a sequential
// procedure does not know it), so the fraction and the time left are those of the current stage
// whenever the stage is bounded, and unknown otherwise; nothing is made up.
#include "tools/cli/live_figures.h"

#include <cmath>
#include <cstdio>

namespace simsel {
namespace {

std::uint64_t count(const nlohmann::json& object, const char* key) {
  return object.value(key, std::uint64_t{0});
}

nlohmann::json or_null(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

bool is_final_state(std::string_view state) {
  return state == "succeeded" || state == "failed" || state == "cancelled" || state == "stopped";
}

std::optional<double> stage_fraction(const nlohmann::json& document) {
  if (is_final_state(document.value("state", ""))) return 1.0;
  const auto& progress = document.value("progress", nlohmann::json::object());
  const std::uint64_t rounds = count(progress, "rounds");
  if (rounds > 0) {
    const std::uint64_t round = std::max<std::uint64_t>(count(progress, "round"), 1);
    return std::min(1.0, static_cast<double>(round - 1) / static_cast<double>(rounds));
  }
  const std::uint64_t first_stage = count(document, "n0") * count(document, "systems");
  if (progress.value("stage", "") == "first stage" && first_stage > 0)
    return std::min(1.0, static_cast<double>(count(document, "total_replications")) /
                             static_cast<double>(first_stage));
  return std::nullopt;
}

std::string stage_words(const nlohmann::json& document) {
  // Set while no live worker offers the job's model: the one thing the user must know.
  if (document.contains("waiting") && document["waiting"].is_string())
    return document["waiting"].get<std::string>();
  if (document.value("paused", false)) return "paused by a user";
  const auto& progress = document.value("progress", nlohmann::json::object());
  std::string words = progress.value("stage", document.value("state", ""));
  const std::uint64_t round = count(progress, "round");
  const std::uint64_t rounds = count(progress, "rounds");
  if (round > 0) words += " round " + std::to_string(round);
  if (round > 0 && rounds > 0) words += " of " + std::to_string(rounds);
  return words;
}

JobFigures LiveFigures::update(const nlohmann::json& document, double seconds) {
  JobFigures figures;
  figures.job_id = count(document, "job_id");
  figures.state = document.value("state", "");
  figures.procedure = document.value("procedure", "");
  figures.stage = stage_words(document);
  figures.systems = count(document, "systems");
  figures.survivors = count(document.value("progress", nlohmann::json::object()), "survivors");
  figures.replications = count(document, "simulated_replications");
  figures.replications_per_second = document.value("replications_per_second", 0.0);
  figures.wall_seconds = document.value("wall_seconds", 0.0);
  figures.fraction = stage_fraction(document);
  if (is_final_state(figures.state)) {
    stage_starts_.erase(figures.job_id);
    figures.seconds_left = 0.0;
    return figures;
  }
  if (!figures.fraction) return figures;
  const std::string stage = document.value("progress", nlohmann::json::object()).value("stage", "");
  auto [start, fresh] = stage_starts_.try_emplace(figures.job_id);
  if (fresh || start->second.stage != stage) start->second = {stage, seconds, *figures.fraction};
  const double gained = *figures.fraction - start->second.fraction;
  const double spent = seconds - start->second.seconds;
  if (gained > 0 && spent > 0) figures.seconds_left = (1.0 - *figures.fraction) * spent / gained;
  return figures;
}

nlohmann::json JobFigures::to_json() const {
  return {{"job_id", job_id},
          {"state", state},
          {"procedure", procedure},
          {"stage", stage},
          {"systems", systems},
          {"survivors", survivors},
          {"replications", replications},
          {"replications_per_second", replications_per_second},
          {"wall_seconds", wall_seconds},
          {"stage_fraction", or_null(fraction)},
          {"stage_seconds_left", or_null(seconds_left)}};
}

std::string duration_words(double seconds) {
  char text[48];
  if (seconds < 60)
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  else if (seconds < 3600)
    std::snprintf(text, sizeof text, "%d min %02d s", static_cast<int>(seconds / 60),
                  static_cast<int>(std::fmod(seconds, 60)));
  else
    std::snprintf(text, sizeof text, "%d h %02d min", static_cast<int>(seconds / 3600),
                  static_cast<int>(std::fmod(seconds, 3600) / 60));
  return text;
}

}  // namespace simsel
