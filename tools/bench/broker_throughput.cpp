// Benchmark: tasks per second through the real broker with trivial tasks (one replication of
// the `normal` model each), against the raw libzmq ROUTER/DEALER ceiling measured in the same
// run with the same transport, the same peers and the same credits per peer, carrying the same
// encoded TASK and RESULT frames. Prints both and their ratio. Not a test: it asserts nothing.
//
// usage: bench_broker_throughput [--tasks N] [--nodes P] [--threads T] [--prefetch F]
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <thread>

#include "common/protocol/frames.h"
#include "common/protocol/messages.h"
#include "tools/cli/local_cluster.h"
#include "tools/cli/stats_feed.h"

using namespace simsel;
using Clock = std::chrono::steady_clock;

namespace {

struct Setup {
  std::uint64_t tasks = 200'000;
  std::uint32_t nodes = 1;
  std::uint32_t threads = 2;
  std::uint32_t prefetch = 2;
};

// One peer: replies to every frame at once with the canned RESULT.
void echo_peer(zmq::context_t& context, const std::string& endpoint, const std::string& reply,
               std::uint64_t expected) {
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::linger, 0);
  socket.connect(endpoint);
  socket.send(zmq::str_buffer("hello"), zmq::send_flags::none);
  zmq::message_t task;
  for (std::uint64_t i = 0; i < expected; ++i) {
    if (!socket.recv(task)) return;
    socket.send(zmq::buffer(reply), zmq::send_flags::none);
  }
}

double raw_ceiling(const Setup& setup) {
  zmq::context_t context;
  zmq::socket_t router(context, zmq::socket_type::router);
  router.set(zmq::sockopt::sndhwm, 100'000);
  router.set(zmq::sockopt::rcvhwm, 100'000);
  const std::string endpoint = protocol::bind_resolved(router, "tcp://127.0.0.1:*");
  const std::string task = protocol::encode(protocol::Task{123456, 1, {1}, {4567}, {1}});
  const std::string result = protocol::encode(protocol::TaskResult{123456, 1, {0.123456789}, 1234});
  const std::uint64_t per_peer = setup.tasks / setup.nodes;
  std::vector<std::thread> peers;
  for (std::uint32_t p = 0; p < setup.nodes; ++p)
    peers.emplace_back([&] { echo_peer(context, endpoint, result, per_peer); });
  std::vector<std::string> identities;
  while (identities.size() < setup.nodes) {
    zmq::message_t identity, hello;
    (void)router.recv(identity);
    (void)router.recv(hello);
    identities.push_back(identity.to_string());
  }
  const auto start = Clock::now();
  const std::uint32_t credit = setup.threads + setup.prefetch;
  std::vector<std::uint64_t> sent(setup.nodes, 0);
  for (std::uint32_t p = 0; p < setup.nodes; ++p) {
    for (std::uint32_t c = 0; c < credit && sent[p] < per_peer; ++c, ++sent[p])
      (void)protocol::send_routed(router, identities[p], task);
  }
  for (std::uint64_t done = 0; done < per_peer * setup.nodes; ++done) {
    zmq::message_t identity, reply;
    (void)router.recv(identity);
    (void)router.recv(reply);
    // Decode like the broker would, so the ceiling includes the codec on the hot path.
    (void)protocol::decode_worker_message(protocol::view(reply));
    std::size_t p =
        std::find(identities.begin(), identities.end(), identity.to_string()) - identities.begin();
    if (sent[p] < per_peer) {
      (void)protocol::send_routed(router, identities[p], task);
      ++sent[p];
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& peer : peers) peer.join();
  return static_cast<double>(per_peer * setup.nodes) / seconds;
}

double through_broker(const Setup& setup) {
  Config config;
  config.broker.worker_endpoint = config.broker.client_endpoint = config.broker.stats_endpoint =
      "tcp://127.0.0.1:*";
  config.broker.data_dir = std::filesystem::temp_directory_path() / "simsel-bench-throughput";
  std::filesystem::remove_all(config.broker.data_dir);
  config.broker.prefetch = setup.prefetch;
  config.broker.max_task_replications = 1;
  config.node.threads = setup.threads;
  zmq::context_t context;
  LocalCluster cluster(context, config, setup.nodes);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the nodes register
  // Rinott with a huge delta: both stages together are exactly 2 x n0 replications.
  nlohmann::json spec = {
      {"model", "normal"},
      {"procedure", "rinott"},
      {"delta", 1e6},
      {"n0", setup.tasks / 2},
      {"seed", 1},
      {"systems", {{"list", {{{"mu", 0.0}, {"sigma", 1.0}}, {{"mu", 1.0}, {"sigma", 1.0}}}}}}};
  BrokerClient client(context, cluster.client_endpoint());
  const auto start = Clock::now();
  auto submitted = client.request("SUBMIT", {{"spec", spec}});
  if (!submitted) throw std::runtime_error(submitted.error().message);
  auto final = follow_job(context, client, cluster.stats_endpoint(), submitted.value()["job_id"],
                          [](const nlohmann::json&) {});
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!final || final.value()["state"] != "succeeded")
    throw std::runtime_error("job did not succeed");
  std::filesystem::remove_all(config.broker.data_dir);
  return final.value()["simulated_replications"].get<double>() / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  Setup setup;
  CLI::App app{"tasks/s through the simsel broker vs the raw ROUTER/DEALER ceiling"};
  app.add_option("--tasks", setup.tasks, "tasks per measurement");
  app.add_option("--nodes", setup.nodes, "worker peers (nodes)");
  app.add_option("--threads", setup.threads, "slots per node");
  app.add_option("--prefetch", setup.prefetch, "credits per node beyond its slots");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  const double ceiling = raw_ceiling(setup);
  const double broker = through_broker(setup);
  std::cout << "transport tcp loopback, " << setup.nodes << " node(s) x " << setup.threads
            << " slots, credit " << setup.threads + setup.prefetch << " per node, " << setup.tasks
            << " tasks\n"
            << "raw ROUTER/DEALER ceiling : " << static_cast<std::uint64_t>(ceiling) << " tasks/s\n"
            << "simsel broker             : " << static_cast<std::uint64_t>(broker) << " tasks/s\n"
            << "ratio                     : " << broker / ceiling << " (goal >= 0.70)\n";
  return 0;
}
