// SseSession: one open Server-Sent-Events connection of simsel-web. It writes the response
// header, the catch-up frames (replay or snapshot), then whatever the EventHub sends it, in
// order, one gathered write at a time. Slow-client policy: at most `max_queue` frames wait for
// the socket; one more and the connection is closed (the browser reconnects with
// Last-Event-ID and resumes), so a client that does not read never delays the others or grows
// the server's memory. It also reads from the socket only to notice the client going away.
// io thread only.
#pragma once

#include <array>
#include <boost/beast/core/tcp_stream.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "frontend/server/event_hub.h"

namespace simsel::web {

class SseSession final : public EventSink, public std::enable_shared_from_this<SseSession> {
 public:
  // `on_drop` runs when the session is closed for falling behind.
  // `send_buffer_bytes`: the socket's kernel send buffer (0: leave the system's default).
  SseSession(boost::beast::tcp_stream stream, EventHub& hub, std::uint64_t stream_key,
             std::size_t max_queue, std::uint32_t send_buffer_bytes, std::function<void()> on_drop);

  // Subscribes to the hub and writes the header and the catch-up frames.
  void start(std::vector<Frame> catch_up);
  void send(const Frame& frame) override;

 private:
  void write_queued();
  void watch_for_close();
  void close();

  boost::beast::tcp_stream stream_;
  EventHub& hub_;
  std::uint64_t stream_key_;
  std::size_t max_queue_;
  std::function<void()> on_drop_;
  std::deque<Frame> queue_;
  std::vector<Frame> writing_;     // frames of the write in progress (kept alive until it ends)
  std::size_t catch_up_left_ = 0;  // catch-up frames still queued (not counted in the limit)
  std::array<char, 256> discard_;
  bool closed_ = false;
};

// The response header of an event stream.
std::string sse_response_header();

}  // namespace simsel::web
