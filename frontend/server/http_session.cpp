// See http_session.h.
#include "frontend/server/http_session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>

namespace simsel::web {
namespace http = boost::beast::http;
namespace {

// A client must send its request within this time, or the connection is closed.
constexpr auto kRequestTimeout = std::chrono::seconds(30);

}  // namespace

Response make_response(const Request& request, http::status status, std::string body,
                       std::string_view content_type) {
  Response response{status, request.version()};
  response.set(http::field::server, "simsel-web");
  response.set(http::field::content_type,
               boost::beast::string_view(content_type.data(), content_type.size()));
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  return response;
}

HttpSession::HttpSession(boost::asio::ip::tcp::socket socket, RequestHandler& handler,
                         std::uint64_t max_body_bytes)
    : stream_(std::move(socket)), handler_(handler), max_body_bytes_(max_body_bytes) {}

void HttpSession::read_request() {
  parser_.emplace();
  parser_->body_limit(max_body_bytes_);
  stream_.expires_after(kRequestTimeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](const boost::system::error_code& error,
                                                      std::size_t) { self->on_header(error); });
}

void HttpSession::on_header(const boost::system::error_code& error) {
  if (error) return on_read(error);
  auto read_body = [self = shared_from_this()] {
    http::async_read(
        self->stream_, self->buffer_, *self->parser_,
        [self](const boost::system::error_code& error, std::size_t) { self->on_read(error); });
  };
  // curl and others wait for "100 Continue" before sending a body of more than 1 KiB.
  auto expect = parser_->get().find(http::field::expect);
  if (expect == parser_->get().end() || !boost::beast::iequals(expect->value(), "100-continue"))
    return read_body();
  static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  boost::asio::async_write(
      stream_, boost::asio::buffer(kContinue),
      [self = shared_from_this(), read_body](const boost::system::error_code& error, std::size_t) {
        if (error) return self->on_read(error);
        read_body();
      });
}

void HttpSession::on_read(const boost::system::error_code& error) {
  if (error == http::error::body_limit) {
    Request request;
    request.version(11);
    Response response = make_response(
        request, http::status::payload_too_large,
        R"({"error":"body: larger than )" + std::to_string(max_body_bytes_) + R"( bytes"})");
    response.keep_alive(false);
    keep_alive_ = false;
    head_ = false;
    drain_ = true;
    return respond(std::move(response));
  }
  if (error) {
    boost::system::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
    return;
  }
  Request request = parser_->release();
  head_ = request.method() == http::verb::head;
  keep_alive_ = request.keep_alive();
  handler_.handle(std::move(request), shared_from_this());
}

void HttpSession::respond(Response response) {
  response.prepare_payload();
  if (head_) response.body().clear();  // Content-Length stays that of the GET
  response.keep_alive(keep_alive_ && response.keep_alive());
  auto message = std::make_shared<Response>(std::move(response));
  http::async_write(
      stream_, *message,
      [self = shared_from_this(), message](const boost::system::error_code& error, std::size_t) {
        if (!error && self->drain_) return self->drain_and_close();
        if (error || !message->keep_alive()) {
          boost::system::error_code ignored;
          self->stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
          return;
        }
        self->read_request();
      });
}

void HttpSession::drain_and_close() {
  boost::system::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.expires_after(std::chrono::seconds(5));
  buffer_.consume(buffer_.size());
  stream_.async_read_some(
      buffer_.prepare(64 * 1024),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
        if (!error) self->drain_and_close();
      });
}

Listener::Listener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
                   RequestHandler& handler, std::uint64_t max_body_bytes)
    : io_(io), acceptor_(io), handler_(handler), max_body_bytes_(max_body_bytes) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(boost::asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void Listener::accept() {
  acceptor_.async_accept(io_, [self = shared_from_this()](const boost::system::error_code& error,
                                                          boost::asio::ip::tcp::socket socket) {
    if (!self->acceptor_.is_open()) return;
    if (!error) {
      socket.set_option(boost::asio::ip::tcp::no_delay(true));
      std::make_shared<HttpSession>(std::move(socket), self->handler_, self->max_body_bytes_)
          ->run();
    } else {
      spdlog::warn("web: accept failed: {}", error.message());
    }
    self->accept();
  });
}

void Listener::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

}  // namespace simsel::web
