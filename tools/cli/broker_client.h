// BrokerClient: the client side of docs/PROTOCOL.md for the CLI and tests — a DEALER that sends
// one request and waits for its reply, and a stats subscription that follows one job with the
// Clone handshake (subscribe, SNAPSHOT, drop updates at or below the snapshot's seq).
// One thread per client (ZeroMQ sockets are not thread-safe).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
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

// Follows job `job_id` until it ends: calls `on_update` with each newer job document (first the
// snapshot's, then every STATS update with a higher seq). Returns the final document.
Result<nlohmann::json> follow_job(zmq::context_t& context, BrokerClient& client,
                                  const std::string& stats_endpoint, std::uint64_t job_id,
                                  const std::function<void(const nlohmann::json&)>& on_update);

}  // namespace simsel
