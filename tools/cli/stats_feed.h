// StatsFeed: a late-joining subscriber of the broker's statistics stream (docs/PROTOCOL.md,
// "Statistics stream") with the Clone handshake: subscribe first, then SNAPSHOT, then pass on
// only updates whose seq is above everything seen. Shared by `simsel watch` and simsel-mon.
// Owns a SUB socket: one thread. Not here: what the figures mean (see live_figures.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "tools/cli/broker_client.h"

namespace simsel {

struct StatsUpdate {
  std::string topic;    // "job/<id>" or "cluster"
  std::string command;  // "STATS" (body: a job document) or "CLUSTER" (body: the cluster state)
  nlohmann::json body;
};

class StatsFeed {
 public:
  // Subscribes to `topics` on `stats_endpoint`: a topic ending in '/' ("job/") matches every
  // topic it begins, any other matches exactly ("job/7", "cluster"). Then asks `client` for a
  // snapshot: of `job_id` alone when given, else of every job. Returns the client's error (an
  // unreachable broker, an unknown job) when the snapshot fails.
  static Result<StatsFeed> open(zmq::context_t& context, BrokerClient& client,
                                const std::string& stats_endpoint, std::vector<std::string> topics,
                                std::optional<std::uint64_t> job_id);

  // The snapshot as updates: one STATS per job (topic "job/<id>"), then one CLUSTER (when
  // "cluster" is among the topics), each body with the snapshot's seq.
  const std::vector<StatsUpdate>& snapshot() const { return snapshot_; }

  // Waits at most `timeout` for updates newer than everything seen; empty when none came.
  std::vector<StatsUpdate> next(std::chrono::milliseconds timeout);

  // The highest seq seen (the snapshot's, or the latest update's).
  std::uint64_t seen_seq() const { return seen_seq_; }

 private:
  StatsFeed(zmq::socket_t subscriber, std::vector<std::string> topics);
  bool wanted(std::string_view topic) const;

  zmq::socket_t subscriber_;
  std::vector<std::string> topics_;
  std::vector<StatsUpdate> snapshot_;
  std::uint64_t seen_seq_ = 0;
};

// "job/<id>" for a job id.
std::string job_topic(std::uint64_t job_id);

// True when a job document's state is final: succeeded, failed, cancelled or stopped.
bool job_ended(const nlohmann::json& document);

// Follows job `job_id` until it ends: calls `on_update` with each newer job document (first the
// snapshot's, then every STATS update with a higher seq). Returns the final document. Rides out a
// broker restart (the broker resumes the job); an error once the broker has not answered for
// kBrokerGoneAfter.
inline constexpr std::chrono::seconds kBrokerGoneAfter{60};
Result<nlohmann::json> follow_job(zmq::context_t& context, BrokerClient& client,
                                  const std::string& stats_endpoint, std::uint64_t job_id,
                                  const std::function<void(const nlohmann::json&)>& on_update);

}  // namespace simsel
