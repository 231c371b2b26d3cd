// Shared by the web front's tests and benchmark: a minimal blocking HTTP/1.1 client on
// Boost.Beast (one request per connection) and an SSE reader that parses events with a
// timeout, both against 127.0.0.1.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace simsel::testing {

struct HttpReply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

inline HttpReply http_request(std::uint16_t port, boost::beast::http::verb method,
                              const std::string& target, const std::string& body = "",
                              const std::map<std::string, std::string>& headers = {}) {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1ull << 30);
  if (method == http::verb::head) parser.skip(true);
  http::read(socket, buffer, parser);
  HttpReply reply;
  reply.status = parser.get().result_int();
  for (const auto& field : parser.get()) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  reply.body = parser.get().body();
  return reply;
}

struct SseEvent {
  std::uint64_t id = 0;
  std::string name;
  std::string data;
  nlohmann::json json() const { return nlohmann::json::parse(data, nullptr, false); }
};

// Opens an event stream and reads it event by event. Comments (heartbeats) are counted.
class SseClient {
 public:
  SseClient(std::uint16_t port, const std::string& target,
            const std::map<std::string, std::string>& headers = {})
      : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    std::string request =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    request += "\r\n";
    boost::asio::write(socket_, boost::asio::buffer(request));
  }

  // The response head (status line and headers), once read.
  std::optional<std::string> head(std::chrono::milliseconds timeout) {
    while (head_.empty()) {
      auto end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        head_ = buffer_.substr(0, end + 4);
        buffer_.erase(0, end + 4);
        break;
      }
      if (!read_more(timeout)) return std::nullopt;
    }
    return head_;
  }

  // The next event, or nothing if none arrives within `timeout` (or the stream ended).
  std::optional<SseEvent> next(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    if (!head(timeout)) return std::nullopt;
    for (;;) {
      auto end = buffer_.find("\n\n");
      if (end != std::string::npos) {
        std::string block = buffer_.substr(0, end + 1);
        buffer_.erase(0, end + 2);
        if (auto event = parse(block)) return event;
        continue;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !read_more(left)) return std::nullopt;
    }
  }

  int comments() const { return comments_; }
  bool closed() const { return closed_; }

 private:
  bool read_more(std::chrono::milliseconds timeout) {
    if (closed_) return false;
    char chunk[16384];
    std::size_t got = 0;
    bool done = false;
    socket_.async_read_some(boost::asio::buffer(chunk),
                            [&](const boost::system::error_code& error, std::size_t n) {
                              done = true;
                              got = n;
                              // A cancelled read (our timeout) is not the end of the stream.
                              if (error && error != boost::asio::error::operation_aborted)
                                closed_ = true;
                            });
    io_.restart();
    io_.run_for(timeout);
    if (!done) {
      socket_.cancel();
      io_.restart();
      io_.run();
      if (got == 0) return false;
    }
    buffer_.append(chunk, got);
    return got > 0;
  }

  std::optional<SseEvent> parse(const std::string& block) {
    SseEvent event;
    bool has_data = false;
    std::size_t start = 0;
    while (start < block.size()) {
      auto newline = block.find('\n', start);
      std::string line = block.substr(start, newline - start);
      start = newline + 1;
      if (line.starts_with(":")) ++comments_;
      if (line.starts_with("id: ")) event.id = std::stoull(line.substr(4));
      if (line.starts_with("event: ")) event.name = line.substr(7);
      if (line.starts_with("data: ")) {
        event.data += (has_data ? "\n" : "") + line.substr(6);
        has_data = true;
      }
    }
    if (!has_data) return std::nullopt;
    return event;
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::string buffer_;
  std::string head_;
  int comments_ = 0;
  bool closed_ = false;
};

}  // namespace simsel::testing
