// ClusterView: simsel-mon's picture of the broker, built from the statistics stream: the live
// figures of every job seen (live_figures.h) and the latest cluster state. Renders it as one
// JSON object per update (for pipes and tests) or as a table (for a terminal). Pure: no sockets.
#pragma once

#include <iosfwd>
#include <map>
#include <nlohmann/json.hpp>

#include "tools/cli/live_figures.h"
#include "tools/cli/stats_feed.h"

namespace simsel {

class ClusterView {
 public:
  // Takes in one update seen at `seconds` (monotonic) and returns its JSON line: for a job
  // {"topic", "seq", the figures' fields, and "best" and "guarantee" once chosen}; for the
  // cluster {"topic", "seq", "workers", "slots", "busy", "jobs_active"}.
  nlohmann::json apply(const StatsUpdate& update, double seconds);

  // The whole picture as a table: a cluster line, one row per job, one row per worker.
  void render_table(std::ostream& out) const;

  // True when every job in `job_ids` has been seen in a final state.
  bool all_ended(const std::vector<std::uint64_t>& job_ids) const;

 private:
  LiveFigures live_;
  std::map<std::uint64_t, JobFigures> jobs_;
  nlohmann::json cluster_ = nlohmann::json::object();
};

}  // namespace simsel
