// See broker_link.h. A request travels io thread -> PUSH -> PULL -> DEALER as two frames
// (request id, encoded message), so the link thread can report "broker unreachable" for it
// without decoding. With ZMQ_IMMEDIATE the DEALER refuses to queue while no broker is
// connected, which turns an absent broker into a fast 503 instead of a wait for the timeout.
#include "frontend/server/broker_link.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cstring>

#include "common/protocol/frames.h"

namespace simsel::web {
namespace {

std::atomic<std::uint64_t> link_count{0};

}  // namespace

BrokerLink::BrokerLink(zmq::context_t& context, boost::asio::io_context& io,
                       const WebConfig& config, UpdateHandler on_update)
    : io_(io),
      timeout_(config.broker_timeout_ms),
      on_update_(std::move(on_update)),
      inproc_name_("inproc://simsel-web-link-" + std::to_string(++link_count)),
      to_link_(context, zmq::socket_type::push),
      dealer_(context, zmq::socket_type::dealer),
      subscriber_(context, zmq::socket_type::sub),
      from_io_(context, zmq::socket_type::pull) {
  for (auto* socket : {&to_link_, &dealer_, &subscriber_, &from_io_})
    socket->set(zmq::sockopt::linger, 0);
  to_link_.set(zmq::sockopt::sndhwm, 100'000);
  from_io_.bind(inproc_name_);
  to_link_.connect(inproc_name_);
  dealer_.set(zmq::sockopt::immediate, 1);
  dealer_.connect(config.broker_client_endpoint);
  subscriber_.set(zmq::sockopt::subscribe, "");
  subscriber_.set(zmq::sockopt::rcvhwm, 100'000);
  subscriber_.connect(config.broker_stats_endpoint);
  thread_ = std::thread([this] { run_link(); });
}

BrokerLink::~BrokerLink() {
  stopping_ = true;
  thread_.join();
}

void BrokerLink::request(const std::string& command, nlohmann::json body, ReplyHandler on_reply) {
  const std::uint64_t request_id = next_request_id_++;
  body["request_id"] = request_id;
  const std::string payload = protocol::encode(protocol::Document{command, std::move(body)});
  auto deadline = std::make_unique<boost::asio::steady_timer>(io_, timeout_);
  deadline->async_wait([this, request_id](const boost::system::error_code& error) {
    if (error) return;  // cancelled: the reply came first
    complete(request_id, make_error("the broker did not answer within " +
                                    std::to_string(timeout_.count()) + " ms"));
  });
  pending_[request_id] = Pending{std::move(on_reply), std::move(deadline)};
  to_link_.send(zmq::buffer(&request_id, sizeof request_id), zmq::send_flags::sndmore);
  to_link_.send(zmq::buffer(payload), zmq::send_flags::none);
}

void BrokerLink::complete(std::uint64_t request_id, Result<nlohmann::json> outcome) {
  auto it = pending_.find(request_id);
  if (it == pending_.end()) return;  // already timed out
  Pending done = std::move(it->second);
  pending_.erase(it);
  done.deadline->cancel();
  done.on_reply(std::move(outcome));
}

void BrokerLink::forward_requests() {
  while (auto frames = protocol::receive_frames(from_io_)) {
    if (frames->parts.size() == 2) forward(frames->parts[0], frames->parts[1]);
  }
}

void BrokerLink::forward(const zmq::message_t& id_frame, zmq::message_t& payload) {
  std::uint64_t request_id = 0;
  std::memcpy(&request_id, id_frame.data(), std::min(id_frame.size(), sizeof request_id));
  bool sent = false;
  try {
    sent = dealer_.send(payload, zmq::send_flags::dontwait).has_value();
  } catch (const zmq::error_t& e) {
    spdlog::debug("web: request to the broker failed: {}", e.what());
  }
  if (!sent) {
    boost::asio::post(
        io_, [this, request_id] { complete(request_id, make_error("the broker is unreachable")); });
  }
}

void BrokerLink::run_link() {
  zmq::pollitem_t items[] = {{from_io_.handle(), 0, ZMQ_POLLIN, 0},
                             {dealer_.handle(), 0, ZMQ_POLLIN, 0},
                             {subscriber_.handle(), 0, ZMQ_POLLIN, 0}};
  while (!stopping_) {
    protocol::poll_interruptible(items, 3, std::chrono::milliseconds(100));
    forward_requests();
    while (auto frames = protocol::receive_frames(dealer_)) {
      auto reply = protocol::decode_document(protocol::view(frames->parts.back()));
      if (!reply) continue;
      const auto request_id = reply->body.value("request_id", std::uint64_t{0});
      Result<nlohmann::json> outcome = reply->body;
      if (reply->command == "ERROR")
        outcome = make_error(reply->body.value("message", std::string("error")),
                             reply->body.value("code", 500));
      boost::asio::post(io_, [this, request_id, outcome = std::move(outcome)]() mutable {
        complete(request_id, std::move(outcome));
      });
    }
    while (auto frames = protocol::receive_frames(subscriber_)) {
      if (frames->parts.size() != 2) continue;
      auto update = protocol::decode_document(protocol::view(frames->parts[1]));
      if (!update) continue;
      boost::asio::post(io_, [this, update = std::move(update.value())]() mutable {
        on_update_(std::move(update));
      });
    }
  }
}

}  // namespace simsel::web
