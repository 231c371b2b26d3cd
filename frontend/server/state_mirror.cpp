// See state_mirror.h.
#include "frontend/server/state_mirror.h"

#include "frontend/server/documents.h"

namespace simsel::web {

void StateMirror::begin_resync() {
  synced_ = false;
  held_.clear();
}

void StateMirror::apply_snapshot(const nlohmann::json& reply) {
  seq_ = reply.value("seq", std::uint64_t{0});
  synced_ = true;
  jobs_.clear();
  for (const auto& job : reply.value("jobs", nlohmann::json::array())) {
    const auto id = job.value("job_id", std::uint64_t{0});
    jobs_[id] = job;
    on_change_(Kind::kJob, jobs_[id]);
  }
  // The snapshot's cluster has no published_at, so worker rates start at the next update.
  cluster_raw_ = reply.value("cluster", nlohmann::json::object());
  cluster_view_ = cluster_view(cluster_raw_, nlohmann::json());
  on_change_(Kind::kCluster, cluster_view_);
  std::vector<protocol::Document> held = std::move(held_);
  held_.clear();
  for (const auto& update : held) {
    if (apply_update(update) == Outcome::kGap) return;
  }
}

StateMirror::Outcome StateMirror::apply_update(const protocol::Document& update) {
  if (!synced_) {
    if (held_.size() >= max_held_) held_.erase(held_.begin());
    held_.push_back(update);
    return Outcome::kHeld;
  }
  const auto seq = update.body.value("seq", std::uint64_t{0});
  if (seq <= seq_) return Outcome::kStale;
  if (seq != seq_ + 1) {
    begin_resync();
    return Outcome::kGap;
  }
  seq_ = seq;
  apply(update);
  return Outcome::kApplied;
}

void StateMirror::apply(const protocol::Document& update) {
  if (update.command == "STATS") {
    const auto id = update.body.value("job_id", std::uint64_t{0});
    jobs_[id] = update.body;
    on_change_(Kind::kJob, jobs_[id]);
  } else if (update.command == "CLUSTER") {
    cluster_view_ = cluster_view(update.body, cluster_raw_);
    cluster_raw_ = update.body;
    on_change_(Kind::kCluster, cluster_view_);
  }
}

const nlohmann::json* StateMirror::job(std::uint64_t job_id) const {
  auto it = jobs_.find(job_id);
  return it == jobs_.end() ? nullptr : &it->second;
}

}  // namespace simsel::web
