// See broker_client.h.
#include "tools/cli/broker_client.h"

#include "common/protocol/frames.h"
#include "common/protocol/messages.h"

namespace simsel {
BrokerClient::BrokerClient(zmq::context_t& context, const std::string& client_endpoint,
                           std::chrono::milliseconds timeout)
    : socket_(context, zmq::socket_type::dealer), endpoint_(client_endpoint), timeout_(timeout) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.connect(client_endpoint);
}

Result<nlohmann::json> BrokerClient::request(const std::string& command, nlohmann::json body) {
  const std::uint64_t request_id = next_request_id_++;
  body["request_id"] = request_id;
  const std::string payload = protocol::encode(protocol::Document{command, std::move(body)});
  socket_.send(zmq::buffer(payload), zmq::send_flags::none);
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    if (left.count() <= 0 || protocol::poll_interruptible(&item, 1, left) == 0)
      return make_error("broker at " + endpoint_ + " did not answer within " +
                        std::to_string(timeout_.count()) + " ms");
    auto frames = protocol::receive_frames(socket_);
    if (!frames) continue;
    auto reply = protocol::decode_document(protocol::view(frames->parts.back()));
    if (!reply) return make_error("bad reply from broker: " + reply.error().message);
    if (reply->body.value("request_id", std::uint64_t{0}) != request_id) continue;  // stale
    if (reply->command == "ERROR")
      return make_error(reply->body.value("message", std::string("error")),
                        reply->body.value("code", 500));
    return reply->body;
  }
}

}  // namespace simsel
