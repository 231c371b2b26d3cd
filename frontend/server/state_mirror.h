// StateMirror: simsel-web's copy of the broker's jobs and cluster state, kept current by the
// Clone pattern (docs/PROTOCOL.md, "Statistics stream"): updates that arrive before the
// snapshot are held back; the snapshot replaces everything; held updates with a seq above the
// snapshot's are applied, older ones dropped. Subscribed to every topic, it sees every seq, so
// a gap means lost updates: the caller then takes a new snapshot. Pure logic: no sockets, no
// clocks; io thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "common/protocol/messages.h"

namespace simsel::web {

class StateMirror {
 public:
  enum class Outcome { kApplied, kStale, kHeld, kGap };
  // What changed: a job document (kind kJob) or the cluster view (kCluster).
  enum class Kind { kJob, kCluster };
  using ChangeHandler = std::function<void(Kind, const nlohmann::json&)>;

  explicit StateMirror(ChangeHandler on_change, std::size_t max_held = 10'000)
      : on_change_(std::move(on_change)), max_held_(max_held) {}

  // Forgets being in sync: from now on updates are held until apply_snapshot().
  void begin_resync();
  // A SNAPSHOT reply ({seq, jobs, cluster}): reports every job and the cluster as changed,
  // then applies the held updates newer than the snapshot.
  void apply_snapshot(const nlohmann::json& reply);
  // A STATS or CLUSTER publication.
  Outcome apply_update(const protocol::Document& update);

  bool synced() const { return synced_; }
  std::uint64_t seq() const { return seq_; }
  const std::map<std::uint64_t, nlohmann::json>& jobs() const { return jobs_; }
  const nlohmann::json* job(std::uint64_t job_id) const;
  // The cluster as GET /api/cluster shows it (documents.h, cluster_view).
  const nlohmann::json& cluster() const { return cluster_view_; }

 private:
  void apply(const protocol::Document& update);

  ChangeHandler on_change_;
  std::size_t max_held_;
  bool synced_ = false;
  std::uint64_t seq_ = 0;  // newest seq applied (or the snapshot's)
  std::vector<protocol::Document> held_;
  std::map<std::uint64_t, nlohmann::json> jobs_;
  nlohmann::json cluster_raw_ = nlohmann::json::object();
  nlohmann::json cluster_view_ = {{"workers", nlohmann::json::array()}};
};

}  // namespace simsel::web
