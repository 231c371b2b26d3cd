// HttpSession and Listener: simsel-web's HTTP/1.1 connections on Boost.Beast, asynchronous on
// the io thread. A session reads one request at a time (body bounded by max_body_bytes: more
// is answered 413 and the connection closed), passes it to the RequestHandler, and writes the
// response the handler gives back, possibly later (after a broker round trip); keep-alive is
// honoured. A handler may instead take the connection over for an event stream.
// Not here: what the routes do (api.h).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <memory>
#include <optional>

namespace simsel::web {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

class HttpSession;

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Answers with session->respond(...) exactly once, now or later, or takes the connection with
  // session->take_stream().
  virtual void handle(Request request, const std::shared_ptr<HttpSession>& session) = 0;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket socket, RequestHandler& handler,
              std::uint64_t max_body_bytes);

  void run() { read_request(); }
  // Writes `response` (Content-Length set here; HEAD gets the headers only), then reads the
  // next request unless the connection is to close.
  void respond(Response response);
  // Hands the connection over (for an event stream); this session ends.
  boost::beast::tcp_stream take_stream() { return std::move(stream_); }

 private:
  void read_request();
  void on_header(const boost::system::error_code& error);  // answers Expect: 100-continue
  void on_read(const boost::system::error_code& error);
  // After refusing a request whose body is still arriving: reads and discards until the client
  // closes (or a timeout), so closing does not reset the connection before it read the answer.
  void drain_and_close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  RequestHandler& handler_;
  std::uint64_t max_body_bytes_;
  bool head_ = false;  // the request being answered is a HEAD
  bool keep_alive_ = false;
  bool drain_ = false;  // drain_and_close() once the response is written
};

// Accepts connections and starts a session for each.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds and listens; throws boost::system::system_error if it cannot.
  Listener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
           RequestHandler& handler, std::uint64_t max_body_bytes);
  void run() { accept(); }
  void stop();
  std::uint16_t port() const { return port_; }

 private:
  void accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  RequestHandler& handler_;
  std::uint64_t max_body_bytes_;
  std::uint16_t port_;
};

// A JSON (or other) response with `status` and `body`, for the request's HTTP version.
Response make_response(const Request& request, boost::beast::http::status status, std::string body,
                       std::string_view content_type = "application/json");

}  // namespace simsel::web
