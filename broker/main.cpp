// simsel-broker: the master process. Binds the worker, client and stats sockets named in its
// config, runs R&S jobs over the connected workers, stores jobs in SQLite. Stops on SIGINT/SIGTERM.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "broker/server/broker.h"

namespace {
simsel::Broker* running_broker = nullptr;
void on_signal(int) {
  if (running_broker) running_broker->stop();
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"simsel-broker: runs ranking-and-selection jobs over simsel worker nodes"};
  std::string config_path;
  app.add_option("-c,--config", config_path, "config file (TOML; see conf/broker.toml)");
  CLI11_PARSE(app, argc, argv);

  simsel::Config config;
  if (!config_path.empty()) {
    auto loaded = simsel::load_config(config_path);
    if (!loaded) {
      std::cerr << "simsel-broker: " << loaded.error().message << "\n";
      return 2;
    }
    config = loaded.value();
  }
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  try {
    zmq::context_t context;
    simsel::Broker broker(context, config.broker);
    running_broker = &broker;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    broker.run();
  } catch (const std::exception& e) {
    std::cerr << "simsel-broker: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
