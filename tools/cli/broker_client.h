// BrokerClient: the client side of docs/PROTOCOL.md for the CLI and tests — a DEALER that sends
// one request and waits for its reply. Following a job's live statistics: stats_feed.h.
// One thread per client (ZeroMQ sockets are not thread-safe).
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <zmq.hpp>

#include "common/util/result.h"

namespace simsel {

class BrokerClient {
 public:
  BrokerClient(zmq::context_t& context, const std::string& client_endpoint,
               std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Sends `command` with `body`; returns the OK body, or an Error with the broker's code and
  // message (or code 0 for a timeout: "broker did not answer within ...").
  Result<nlohmann::json> request(const std::string& command,
                                 nlohmann::json body = nlohmann::json::object());

 private:
  zmq::socket_t socket_;
  std::string endpoint_;
  std::chrono::milliseconds timeout_;
  std::uint64_t next_request_id_ = 1;
};

}  // namespace simsel
