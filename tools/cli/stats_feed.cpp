// See stats_feed.h. Subscribing before the snapshot means no update can fall between the two;
// the seq counter is one for the whole broker, so one threshold drops every stale update.
#include "tools/cli/stats_feed.h"

#include <optional>

#include "common/protocol/frames.h"
#include "common/protocol/messages.h"
#include "tools/cli/live_figures.h"

namespace simsel {

std::string job_topic(std::uint64_t job_id) {
  return "job/" + std::to_string(job_id);
}

StatsFeed::StatsFeed(zmq::socket_t subscriber, std::vector<std::string> topics)
    : subscriber_(std::move(subscriber)), topics_(std::move(topics)) {}

Result<StatsFeed> StatsFeed::open(zmq::context_t& context, BrokerClient& client,
                                  const std::string& stats_endpoint,
                                  std::vector<std::string> topics,
                                  std::optional<std::uint64_t> job_id) {
  zmq::socket_t subscriber(context, zmq::socket_type::sub);
  subscriber.set(zmq::sockopt::linger, 0);
  for (const auto& topic : topics) subscriber.set(zmq::sockopt::subscribe, topic);
  subscriber.connect(stats_endpoint);
  nlohmann::json request = nlohmann::json::object();
  if (job_id) request["job_id"] = *job_id;
  auto snapshot = client.request("SNAPSHOT", request);
  if (!snapshot) return snapshot.error();
  StatsFeed feed(std::move(subscriber), std::move(topics));
  feed.seen_seq_ = snapshot->value("seq", std::uint64_t{0});
  for (auto& job : snapshot.value()["jobs"]) {
    std::string topic = job_topic(job.value("job_id", std::uint64_t{0}));
    job["seq"] = feed.seen_seq_;  // the state as of the snapshot's seq
    if (feed.wanted(topic)) feed.snapshot_.push_back({std::move(topic), "STATS", job});
  }
  if (feed.wanted("cluster")) {
    snapshot.value()["cluster"]["seq"] = feed.seen_seq_;
    feed.snapshot_.push_back({"cluster", "CLUSTER", snapshot.value()["cluster"]});
  }
  return feed;
}

bool StatsFeed::wanted(std::string_view topic) const {
  for (const auto& wanted : topics_) {
    const bool prefix = !wanted.empty() && wanted.back() == '/';
    if (prefix ? topic.starts_with(wanted) : topic == wanted) return true;
  }
  return false;
}

std::vector<StatsUpdate> StatsFeed::next(std::chrono::milliseconds timeout) {
  std::vector<StatsUpdate> updates;
  zmq::pollitem_t item{subscriber_.handle(), 0, ZMQ_POLLIN, 0};
  if (protocol::poll_interruptible(&item, 1, timeout) == 0) return updates;
  while (auto frames = protocol::receive_frames(subscriber_)) {
    if (frames->parts.size() != 2) continue;
    const std::string_view topic = protocol::view(frames->parts[0]);
    if (!wanted(topic)) continue;  // subscriptions match prefixes: "job/1" also gets "job/10"
    auto update = protocol::decode_document(protocol::view(frames->parts[1]));
    if (!update) continue;
    const std::uint64_t seq = update->body.value("seq", std::uint64_t{0});
    if (seq <= seen_seq_) continue;
    seen_seq_ = seq;
    updates.push_back({std::string(topic), update->command, std::move(update->body)});
  }
  return updates;
}

bool job_ended(const nlohmann::json& document) {
  return is_final_state(document.value("state", ""));
}

Result<nlohmann::json> follow_job(zmq::context_t& context, BrokerClient& client,
                                  const std::string& stats_endpoint, std::uint64_t job_id,
                                  const std::function<void(const nlohmann::json&)>& on_update) {
  auto feed = StatsFeed::open(context, client, stats_endpoint, {job_topic(job_id)}, job_id);
  if (!feed) return feed.error();
  nlohmann::json latest = feed->snapshot().at(0).body;
  on_update(latest);
  using Clock = std::chrono::steady_clock;
  auto last_poll = Clock::now();
  std::optional<Clock::time_point> unanswered_since;
  while (!job_ended(latest)) {
    for (auto& update : feed->next(std::chrono::milliseconds(500))) {
      latest = std::move(update.body);
      on_update(latest);
    }
    // A PUB drops messages a slow subscriber cannot take: if the stream goes quiet, ask directly.
    if (Clock::now() - last_poll > std::chrono::seconds(2)) {
      last_poll = Clock::now();
      auto status = client.request("STATUS", {{"job_id", job_id}});
      if (status) {
        unanswered_since.reset();
        if (job_ended(status.value()["job"])) latest = status.value()["job"];
        continue;
      }
      // No answer: the broker may be restarting (it resumes the job; the subscription and the
      // client socket reconnect by themselves). Any other error, or silence for too long, ends.
      if (status.error().code != 0) return status.error();
      if (!unanswered_since) unanswered_since = Clock::now();
      if (Clock::now() - *unanswered_since > kBrokerGoneAfter)
        return make_error("the broker has not answered for " +
                          std::to_string(kBrokerGoneAfter.count()) + " s: " +
                          status.error().message);
    }
  }
  return latest;
}

}  // namespace simsel
