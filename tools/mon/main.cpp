// simsel-mon: watches a running broker's statistics stream for operators. On a terminal, a
// table redrawn a few times a second (jobs, stage, survivors, replications, replications/s,
// workers); otherwise one JSON object per update. Exit codes: 0 done, 2 bad arguments or an
// unknown job, 3 broker unreachable (it did not answer the snapshot within --timeout-ms).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "common/config/config.h"
#include "tools/mon/cluster_view.h"

namespace {

using namespace simsel;
using Clock = std::chrono::steady_clock;

constexpr int kBadInput = 2, kUnreachable = 3;

struct Options {
  std::string config_path;
  std::string broker_endpoint;
  std::string stats_endpoint;
  std::vector<std::uint64_t> job_ids;
  std::vector<std::string> topics{"jobs", "cluster"};
  std::uint64_t count = 0;  // 0: no limit
  double duration = 0;      // seconds; 0: no limit
  bool until_done = false;
  bool json = false;
  std::uint32_t timeout_ms = 3000;
};

double seconds_since_epoch() {
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

std::vector<std::string> subscriptions(const Options& options) {
  std::vector<std::string> topics;
  for (const auto& topic : options.topics) {
    if (topic == "cluster") topics.push_back("cluster");
    if (topic != "jobs") continue;
    if (options.job_ids.empty()) topics.push_back("job/");
    for (std::uint64_t id : options.job_ids) topics.push_back(job_topic(id));
  }
  return topics;
}

// A PUB drops what a slow subscriber cannot take: with --until-done, the watched jobs that
// have not ended are asked for directly, so a lost final update cannot keep simsel-mon waiting.
// Returns the final documents found, as updates at the latest seq.
std::vector<StatsUpdate> ended_by_status(BrokerClient& client, const StatsFeed& feed,
                                         const ClusterView& view, const Options& options) {
  std::vector<StatsUpdate> updates;
  for (std::uint64_t id : options.job_ids) {
    if (view.all_ended({id})) continue;
    auto status = client.request("STATUS", {{"job_id", id}});
    if (!status || !job_ended(status.value()["job"])) continue;
    nlohmann::json job = status.value()["job"];
    job["seq"] = feed.seen_seq();
    updates.push_back({job_topic(id), "STATS", std::move(job)});
  }
  return updates;
}

// Prints updates until --count, --duration or --until-done says stop.
int watch(StatsFeed& feed, BrokerClient& client, const Options& options, bool table) {
  ClusterView view;
  std::uint64_t printed = 0;
  const auto deadline = Clock::now() + std::chrono::duration<double>(options.duration);
  auto last_drawn = Clock::time_point{};
  auto show = [&](const std::vector<StatsUpdate>& updates) {
    for (const auto& update : updates) {
      const nlohmann::json line = view.apply(update, seconds_since_epoch());
      if (!table) std::cout << line.dump() << std::endl;
      ++printed;
      if (options.count && printed >= options.count) break;
    }
    if (table && Clock::now() - last_drawn > std::chrono::milliseconds(250)) {
      last_drawn = Clock::now();
      std::cout << "\033[H\033[2J";
      view.render_table(std::cout);
      std::cout << std::flush;
    }
  };
  show(feed.snapshot());
  auto last_update = Clock::now();
  for (;;) {
    if (options.count && printed >= options.count) return 0;
    if (options.until_done && view.all_ended(options.job_ids)) return 0;
    if (options.duration > 0 && Clock::now() >= deadline) return 0;
    auto updates = feed.next(std::chrono::milliseconds(250));
    if (!updates.empty()) last_update = Clock::now();
    if (options.until_done && Clock::now() - last_update > std::chrono::seconds(2)) {
      last_update = Clock::now();
      updates = ended_by_status(client, feed, view, options);
    }
    show(updates);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"simsel-mon: live jobs and workers of a simsel broker"};
  Options options;
  app.add_option("-c,--config", options.config_path, "config file (broker endpoints)");
  app.add_option("--broker", options.broker_endpoint,
                 "broker client endpoint, for the snapshot (overrides broker.client_endpoint)");
  app.add_option("--stats", options.stats_endpoint,
                 "broker stats endpoint (overrides broker.stats_endpoint)");
  app.add_option("-j,--job", options.job_ids, "only this job (repeatable)");
  app.add_option("-t,--topic", options.topics, "jobs and/or cluster (default both)")
      ->check(CLI::IsMember({"jobs", "cluster"}));
  app.add_option("-n,--count", options.count, "stop after N updates");
  app.add_option("-d,--duration", options.duration, "stop after S seconds")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--until-done", options.until_done, "with --job: stop once every such job ended");
  app.add_flag("--json", options.json, "one JSON object per update even on a terminal");
  app.add_option("--timeout-ms", options.timeout_ms,
                 "how long to wait for the broker's snapshot (default 3000)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kBadInput;
  }
  if (options.until_done && options.job_ids.empty()) {
    std::cerr << "simsel-mon: --until-done needs --job\n";
    return kBadInput;
  }
  Config config;
  if (!options.config_path.empty()) {
    auto loaded = load_config(options.config_path);
    if (!loaded) {
      std::cerr << "simsel-mon: " << loaded.error().message << "\n";
      return kBadInput;
    }
    config = loaded.value();
  }
  const std::string client_endpoint =
      options.broker_endpoint.empty() ? config.broker.client_endpoint : options.broker_endpoint;
  const std::string stats_endpoint =
      options.stats_endpoint.empty() ? config.broker.stats_endpoint : options.stats_endpoint;
  try {
    zmq::context_t context;
    BrokerClient client(context, client_endpoint, std::chrono::milliseconds(options.timeout_ms));
    std::optional<std::uint64_t> only_job;
    if (options.job_ids.size() == 1) only_job = options.job_ids.front();
    auto feed = StatsFeed::open(context, client, stats_endpoint, subscriptions(options), only_job);
    if (!feed) {
      std::cerr << "simsel-mon: " << feed.error().message << "\n";
      return feed.error().code == 0 || feed.error().code >= 500 ? kUnreachable : kBadInput;
    }
    return watch(feed.value(), client, options, !options.json && isatty(STDOUT_FILENO));
  } catch (const std::exception& e) {
    std::cerr << "simsel-mon: " << e.what() << "\n";
    return kUnreachable;
  }
}
