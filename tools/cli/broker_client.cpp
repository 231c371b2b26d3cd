// See broker_client.h.
#include "tools/cli/broker_client.h"

#include <thread>

#include "common/protocol/frames.h"
#include "common/protocol/messages.h"

namespace simsel {
namespace {

bool is_final_state(const nlohmann::json& document) {
  const std::string state = document.value("state", "");
  return state == "succeeded" || state == "failed" || state == "cancelled";
}

}  // namespace

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

Result<nlohmann::json> follow_job(zmq::context_t& context, BrokerClient& client,
                                  const std::string& stats_endpoint, std::uint64_t job_id,
                                  const std::function<void(const nlohmann::json&)>& on_update) {
  zmq::socket_t subscriber(context, zmq::socket_type::sub);
  subscriber.set(zmq::sockopt::linger, 0);
  const std::string topic = "job/" + std::to_string(job_id);
  subscriber.set(zmq::sockopt::subscribe, topic);
  subscriber.connect(stats_endpoint);
  // Subscribe first, then snapshot: no update can fall between the two.
  auto snapshot = client.request("SNAPSHOT", {{"job_id", job_id}});
  if (!snapshot) return snapshot.error();
  std::uint64_t seen_seq = snapshot->value("seq", std::uint64_t{0});
  nlohmann::json latest = snapshot.value()["jobs"][0];
  on_update(latest);
  auto last_poll = std::chrono::steady_clock::now();
  while (!is_final_state(latest)) {
    zmq::pollitem_t item{subscriber.handle(), 0, ZMQ_POLLIN, 0};
    protocol::poll_interruptible(&item, 1, std::chrono::milliseconds(500));
    while (auto frames = protocol::receive_frames(subscriber)) {
      // Subscriptions match prefixes: "job/1" also receives "job/10".
      if (frames->parts.size() != 2 || protocol::view(frames->parts[0]) != topic) continue;
      auto update = protocol::decode_document(protocol::view(frames->parts[1]));
      if (!update) continue;
      const std::uint64_t seq = update->body.value("seq", std::uint64_t{0});
      if (seq <= seen_seq) continue;
      seen_seq = seq;
      latest = std::move(update->body);
      on_update(latest);
    }
    // A PUB drops messages a slow subscriber cannot take: if the stream goes quiet, ask directly.
    if (std::chrono::steady_clock::now() - last_poll > std::chrono::seconds(2)) {
      last_poll = std::chrono::steady_clock::now();
      auto status = client.request("STATUS", {{"job_id", job_id}});
      if (!status) return status.error();
      if (is_final_state(status.value()["job"])) latest = status.value()["job"];
    }
  }
  return latest;
}

}  // namespace simsel
