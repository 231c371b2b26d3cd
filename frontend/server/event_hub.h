// EventHub: the fan-out of simsel-web's live streams (docs/HTTP_API.md, "Live stream"). It
// numbers every event with one increasing id, frames it once, keeps the last few of each stream
// for Last-Event-ID replays, and hands the shared frame to every connection watching the
// stream. Streams: kAllStream (every job and the cluster) and one per job id. A connection is
// an EventSink; the hub never blocks on one (sinks queue, see sse_session.h). io thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "frontend/server/sse.h"

namespace simsel::web {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Queues `frame` for writing; must not block.
  virtual void send(const Frame& frame) = 0;
};

inline constexpr std::uint64_t kAllStream = 0;  // job ids start at 1

class EventHub {
 public:
  explicit EventHub(std::size_t replay_events) : replay_events_(replay_events) {}

  // A `stats` event: to the job's stream and to kAllStream.
  void publish_job(const nlohmann::json& document);
  // A `cluster` event: to kAllStream.
  void publish_cluster(const nlohmann::json& view);
  // A heartbeat comment to every connection.
  void heartbeat();
  // A `broker` event to every connection, outside the streams' histories: {"state": "synced"}
  // or {"state": "reconnecting"} (simsel-web lost the broker and waits for it).
  void publish_broker_state(const nlohmann::json& state);

  // A `snapshot` event carrying `data`, with the id of the newest event issued (its state
  // includes every event up to there). Not kept for replay.
  Frame snapshot(const nlohmann::json& data) const;
  // The events of `stream` after `last_id`, if none of them has been evicted.
  std::optional<std::vector<Frame>> replay(std::uint64_t stream, std::uint64_t last_id) const;

  void subscribe(std::uint64_t stream, const std::shared_ptr<EventSink>& sink);
  void unsubscribe(std::uint64_t stream, const EventSink* sink);
  std::size_t viewers() const { return viewers_; }
  std::uint64_t newest_id() const { return next_id_ - 1; }

 private:
  using SinkMap = std::unordered_map<const EventSink*, std::weak_ptr<EventSink>>;
  void deliver(std::uint64_t stream, std::uint64_t id, const Frame& frame);
  void send_to_all(const Frame& frame);
  static void append_alive(const SinkMap& sinks, std::vector<std::shared_ptr<EventSink>>& out);

  std::size_t replay_events_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, ReplayBuffer> buffers_;
  std::map<std::uint64_t, SinkMap> sinks_;
  std::size_t viewers_ = 0;
};

}  // namespace simsel::web
