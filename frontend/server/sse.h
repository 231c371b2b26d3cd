// Server-Sent Events pieces of simsel-web: the wire framing of one event, the bounded replay
// buffer that lets a reconnecting client resume after its Last-Event-ID, and the parsing of
// that id. Pure values; no sockets (streaming is in sse_session.h, fan-out in event_hub.h).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simsel::web {

// One framed event, shared by every connection it is written to.
using Frame = std::shared_ptr<const std::string>;

// "id: <id>\nevent: <name>\ndata: <data>\n\n" (without the id line when `id` is empty: an event
// that is not part of any stream's history, which a browser's Last-Event-ID does not move past).
// `data` must be one line (compact JSON is); a stray newline would end the event early, so each
// line gets its own "data:" prefix.
std::string format_event(std::optional<std::uint64_t> id, std::string_view name,
                         std::string_view data);

// The comment line sent to keep a quiet stream open.
inline constexpr std::string_view kHeartbeatFrame = ": heartbeat\n\n";

// The last `capacity` events of one stream, oldest first, and how far eviction has gone.
class ReplayBuffer {
 public:
  explicit ReplayBuffer(std::size_t capacity) : capacity_(capacity) {}

  // REQUIRES: id greater than every id added before
  void add(std::uint64_t id, Frame frame);

  // The events after `last_id`, if the buffer still holds all of them; empty optional when some
  // were evicted (the client must start again from a snapshot). `newest_id` is the latest id
  // issued anywhere: a last_id beyond it comes from another life of the server.
  std::optional<std::vector<Frame>> after(std::uint64_t last_id, std::uint64_t newest_id) const;

  std::size_t size() const { return events_.size(); }

 private:
  std::size_t capacity_;
  std::deque<std::pair<std::uint64_t, Frame>> events_;
  std::uint64_t evicted_up_to_ = 0;  // id of the newest event dropped, 0 if none
};

// Last-Event-ID as sent by a browser or in ?last_event_id=: a non-negative integer, or nothing.
std::optional<std::uint64_t> parse_event_id(std::string_view text);

}  // namespace simsel::web
