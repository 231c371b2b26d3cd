// See sse_session.h.
#include "frontend/server/sse_session.h"

#include <boost/asio/write.hpp>

namespace simsel::web {
namespace {

// Frames gathered into one write: enough to amortize the system call, small enough to keep
// the scatter list short.
constexpr std::size_t kFramesPerWrite = 64;

}  // namespace

std::string sse_response_header() {
  // No Content-Length and no chunking: the body is the stream and ends when the connection does.
  return "HTTP/1.1 200 OK\r\n"
         "Content-Type: text/event-stream\r\n"
         "Cache-Control: no-cache\r\n"
         "X-Accel-Buffering: no\r\n"
         "Connection: close\r\n"
         "\r\n"
         "retry: 2000\n\n";
}

SseSession::SseSession(boost::beast::tcp_stream stream, EventHub& hub, std::uint64_t stream_key,
                       std::size_t max_queue, std::uint32_t send_buffer_bytes,
                       std::function<void()> on_drop)
    : stream_(std::move(stream)),
      hub_(hub),
      stream_key_(stream_key),
      max_queue_(max_queue),
      on_drop_(std::move(on_drop)) {
  boost::system::error_code ignored;
  if (send_buffer_bytes > 0)
    stream_.socket().set_option(
        boost::asio::socket_base::send_buffer_size(static_cast<int>(send_buffer_bytes)), ignored);
}

void SseSession::start(std::vector<Frame> catch_up) {
  stream_.expires_never();
  hub_.subscribe(stream_key_, shared_from_this());
  queue_.push_back(std::make_shared<const std::string>(sse_response_header()));
  // The catch-up is written whatever its length: the queue limit is for live events.
  catch_up_left_ = catch_up.size() + 1;
  for (auto& frame : catch_up) queue_.push_back(std::move(frame));
  write_queued();
  watch_for_close();
}

void SseSession::send(const Frame& frame) {
  if (closed_) return;
  if (queue_.size() >= max_queue_ + catch_up_left_) {
    on_drop_();
    return close();
  }
  queue_.push_back(frame);
  if (writing_.empty()) write_queued();
}

void SseSession::write_queued() {
  if (closed_ || queue_.empty()) return;
  std::vector<boost::asio::const_buffer> buffers;
  while (!queue_.empty() && writing_.size() < kFramesPerWrite) {
    writing_.push_back(std::move(queue_.front()));
    queue_.pop_front();
    if (catch_up_left_ > 0) --catch_up_left_;
    buffers.emplace_back(writing_.back()->data(), writing_.back()->size());
  }
  boost::asio::async_write(
      stream_, buffers,
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
        self->writing_.clear();
        if (error) return self->close();
        self->write_queued();
      });
}

void SseSession::watch_for_close() {
  // The client sends nothing after its request: any read completion means it went away.
  stream_.async_read_some(
      boost::asio::buffer(discard_),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
        if (error) return self->close();
        self->watch_for_close();
      });
}

void SseSession::close() {
  if (closed_) return;
  closed_ = true;
  queue_.clear();
  hub_.unsubscribe(stream_key_, this);
  boost::system::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

}  // namespace simsel::web
