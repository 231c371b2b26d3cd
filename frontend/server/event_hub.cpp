// See event_hub.h. Sinks are held weakly, so the hub never keeps a connection alive; a
// connection unsubscribes when it closes, possibly while the hub is sending to it, hence the
// copies of the sink lists before sending.
#include "frontend/server/event_hub.h"

namespace simsel::web {

void EventHub::publish_job(const nlohmann::json& document) {
  const std::uint64_t id = next_id_++;
  const Frame frame =
      std::make_shared<const std::string>(format_event(id, "stats", document.dump()));
  deliver(document.value("job_id", std::uint64_t{0}), id, frame);
  deliver(kAllStream, id, frame);
}

void EventHub::publish_cluster(const nlohmann::json& view) {
  const std::uint64_t id = next_id_++;
  deliver(kAllStream, id,
          std::make_shared<const std::string>(format_event(id, "cluster", view.dump())));
}

void EventHub::heartbeat() {
  static const Frame kFrame = std::make_shared<const std::string>(kHeartbeatFrame);
  send_to_all(kFrame);
}

void EventHub::publish_broker_state(const nlohmann::json& state) {
  send_to_all(std::make_shared<const std::string>(format_event(std::nullopt, "broker", state.dump())));
}

void EventHub::send_to_all(const Frame& frame) {
  std::vector<std::shared_ptr<EventSink>> alive;
  for (const auto& [stream, sinks] : sinks_) append_alive(sinks, alive);
  for (const auto& sink : alive) sink->send(frame);
}

Frame EventHub::snapshot(const nlohmann::json& data) const {
  return std::make_shared<const std::string>(format_event(newest_id(), "snapshot", data.dump()));
}

std::optional<std::vector<Frame>> EventHub::replay(std::uint64_t stream,
                                                   std::uint64_t last_id) const {
  auto buffer = buffers_.find(stream);
  if (buffer == buffers_.end()) {
    // Nothing was published on this stream in this server's life.
    if (last_id > newest_id()) return std::nullopt;
    return std::vector<Frame>();
  }
  return buffer->second.after(last_id, newest_id());
}

void EventHub::subscribe(std::uint64_t stream, const std::shared_ptr<EventSink>& sink) {
  if (sinks_[stream].emplace(sink.get(), sink).second) ++viewers_;
}

void EventHub::unsubscribe(std::uint64_t stream, const EventSink* sink) {
  auto sinks = sinks_.find(stream);
  if (sinks == sinks_.end() || sinks->second.erase(sink) == 0) return;
  --viewers_;
  if (sinks->second.empty()) sinks_.erase(sinks);
}

void EventHub::deliver(std::uint64_t stream, std::uint64_t id, const Frame& frame) {
  buffers_.try_emplace(stream, replay_events_).first->second.add(id, frame);
  auto sinks = sinks_.find(stream);
  if (sinks == sinks_.end()) return;
  std::vector<std::shared_ptr<EventSink>> alive;
  append_alive(sinks->second, alive);
  for (const auto& sink : alive) sink->send(frame);
}

void EventHub::append_alive(const SinkMap& sinks, std::vector<std::shared_ptr<EventSink>>& out) {
  for (const auto& [key, sink] : sinks) {
    if (auto locked = sink.lock()) out.push_back(std::move(locked));
  }
}

}  // namespace simsel::web
