// simsel-node: a worker process. Connects to the broker named in its config, runs replication
// tasks on N threads, reconnects when the broker goes away. Stops on SIGINT/SIGTERM.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "nodes/worker/node.h"

namespace {
simsel::Node* running_node = nullptr;
void on_signal(int) {
  if (running_node) running_node->stop();
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"simsel-node: runs simulation replications for a simsel broker"};
  std::string config_path;
  std::string endpoint;
  std::uint32_t threads = 0;
  app.add_option("-c,--config", config_path, "config file (TOML; see conf/node.toml)");
  app.add_option("--broker", endpoint, "broker worker endpoint (overrides node.broker_endpoint)");
  app.add_option("-t,--threads", threads, "compute threads (overrides node.threads; 0 = cores)");
  CLI11_PARSE(app, argc, argv);

  simsel::Config config;
  if (!config_path.empty()) {
    auto loaded = simsel::load_config(config_path);
    if (!loaded) {
      std::cerr << "simsel-node: " << loaded.error().message << "\n";
      return 2;
    }
    config = loaded.value();
  }
  if (!endpoint.empty()) config.node.broker_endpoint = endpoint;
  if (threads) config.node.threads = threads;
  spdlog::set_level(spdlog::level::from_str(config.log_level));

  zmq::context_t context;
  simsel::Node node(context, config.node);
  running_node = &node;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  node.run();
  return 0;
}
