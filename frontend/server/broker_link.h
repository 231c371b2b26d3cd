// BrokerLink: simsel-web's connection to the broker (docs/PROTOCOL.md), on a thread of its own
// because ZeroMQ sockets cannot be waited on by the Asio loop directly. The link thread owns a
// DEALER to the client ROUTER and a SUB to the stats PUB (all topics); the io thread hands it
// requests through an inproc PUSH/PULL pair, and it hands back replies and updates by posting
// them to the io_context. So everything but run_link() happens on the io thread: request() and
// the callbacks are io-thread only, and no state is shared across threads but the sockets' queues.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <unordered_map>
#include <zmq.hpp>

#include "common/config/config.h"
#include "common/protocol/messages.h"
#include "common/util/result.h"

namespace simsel::web {

class BrokerLink {
 public:
  // Gets the OK body, or an Error with the broker's code (0: unreachable or no answer in time).
  using ReplyHandler = std::function<void(Result<nlohmann::json>)>;
  using UpdateHandler = std::function<void(protocol::Document)>;

  // Connects the sockets and starts the link thread. `on_update` gets every STATS and CLUSTER
  // publication, on the io thread. Throws zmq::error_t on a bad endpoint.
  BrokerLink(zmq::context_t& context, boost::asio::io_context& io, const WebConfig& config,
             UpdateHandler on_update);
  ~BrokerLink();
  BrokerLink(const BrokerLink&) = delete;
  BrokerLink& operator=(const BrokerLink&) = delete;

  // Sends `command` with `body`; `on_reply` runs once, on the io thread. io thread only.
  void request(const std::string& command, nlohmann::json body, ReplyHandler on_reply);

 private:
  struct Pending {
    ReplyHandler on_reply;
    std::unique_ptr<boost::asio::steady_timer> deadline;
  };

  void run_link();          // the link thread
  void forward_requests();  // link thread: PULL -> DEALER
  void forward(const zmq::message_t& id_frame, zmq::message_t& payload);
  void complete(std::uint64_t request_id, Result<nlohmann::json> outcome);  // io thread

  boost::asio::io_context& io_;
  std::chrono::milliseconds timeout_;
  UpdateHandler on_update_;
  std::string inproc_name_;
  zmq::socket_t to_link_;  // PUSH, used by the io thread
  zmq::socket_t dealer_;   // used by the link thread
  zmq::socket_t subscriber_;
  std::unordered_map<std::uint64_t, Pending> pending_;  // io thread only
  std::uint64_t next_request_id_ = 1;                   // io thread only
  zmq::socket_t from_io_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace simsel::web
