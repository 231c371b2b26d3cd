// Bounded multipart receive and small send helpers over cppzmq, shared by the broker, the node
// and the clients. "Nothing yet" (would block) is an empty optional; socket faults throw.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <zmq.hpp>

namespace simsel::protocol {

inline constexpr std::size_t kMaxFrames = 4;

struct Frames {
  std::vector<zmq::message_t> parts;  // at most kMaxFrames
  bool truncated = false;             // the peer sent more frames; the rest were discarded
};

// Receives one whole multipart message without blocking. Keeps at most kMaxFrames frames and
// drains the rest, so a hostile peer cannot desynchronise the socket.
[[nodiscard]] std::optional<Frames> receive_frames(zmq::socket_t& socket);

inline std::string_view view(const zmq::message_t& message) {
  return {static_cast<const char*>(message.data()), message.size()};
}

// Sends `payload` to the ROUTER peer `identity` (identity frame, then the payload frame)
// without blocking. Returns false when the peer's queue is full (the message is dropped);
// throws zmq::error_t when the peer is unknown (ROUTER_MANDATORY).
[[nodiscard]] bool send_routed(zmq::socket_t& router, std::string_view identity, std::string_view payload);

// zmq::poll that treats a signal's interruption (EINTR) as "nothing ready": the caller's loop
// then sees its stop flag. Returns the number of ready items.
int poll_interruptible(zmq::pollitem_t* items, std::size_t count,
                       std::chrono::milliseconds timeout);

// Binds `socket` and returns the endpoint actually bound (tcp port wildcard resolved).
std::string bind_resolved(zmq::socket_t& socket, const std::string& endpoint);

}  // namespace simsel::protocol
