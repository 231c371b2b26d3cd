// See frames.h.
#include "common/protocol/frames.h"

#include <cerrno>

namespace simsel::protocol {

std::optional<Frames> receive_frames(zmq::socket_t& socket) {
  Frames frames;
  zmq::message_t part;
  if (!socket.recv(part, zmq::recv_flags::dontwait)) return std::nullopt;
  for (;;) {
    const bool more = part.more();
    if (frames.parts.size() < kMaxFrames) {
      frames.parts.push_back(std::move(part));
    } else {
      frames.truncated = true;
    }
    if (!more) break;
    // The rest of a multipart message is already queued: this never blocks.
    (void)socket.recv(part, zmq::recv_flags::none);
  }
  return frames;
}

bool send_routed(zmq::socket_t& router, std::string_view identity, std::string_view payload) {
  // Non-blocking: a peer whose queue is full must not freeze the sender's loop. A multipart
  // message is queued atomically once its first frame is accepted.
  if (!router.send(zmq::buffer(identity), zmq::send_flags::sndmore | zmq::send_flags::dontwait))
    return false;
  (void)router.send(zmq::buffer(payload), zmq::send_flags::dontwait);
  return true;
}

int poll_interruptible(zmq::pollitem_t* items, std::size_t count,
                       std::chrono::milliseconds timeout) {
  try {
    return zmq::poll(items, count, timeout);
  } catch (const zmq::error_t& e) {
    if (e.num() != EINTR) throw;
    return 0;
  }
}

std::string bind_resolved(zmq::socket_t& socket, const std::string& endpoint) {
  socket.bind(endpoint);
  return socket.get(zmq::sockopt::last_endpoint);
}

}  // namespace simsel::protocol
