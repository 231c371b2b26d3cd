// LocalCluster: a broker and a worker node in this process, on inproc endpoints — the
// embedded default behind `simsel run`, and the fixture of the component tests. It owns the
// threads it starts and stops them (node first, then broker) when destroyed.
#pragma once

#include <memory>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "broker/server/broker.h"
#include "common/config/config.h"
#include "nodes/worker/node.h"

namespace simsel {

class LocalCluster {
 public:
  // Starts the broker (on the config's endpoints) and `nodes` nodes of node.threads threads each.
  LocalCluster(zmq::context_t& context, const Config& config, std::size_t nodes = 1);
  ~LocalCluster();
  LocalCluster(const LocalCluster&) = delete;
  LocalCluster& operator=(const LocalCluster&) = delete;

  const std::string& client_endpoint() const { return broker_->client_endpoint(); }
  const std::string& stats_endpoint() const { return broker_->stats_endpoint(); }
  const std::string& worker_endpoint() const { return broker_->worker_endpoint(); }

  // Stops node `index` without a goodbye, as if its process died.
  void kill_node(std::size_t index);
  // Starts one more node with `threads` threads.
  void add_node(std::uint32_t threads);

 private:
  zmq::context_t& context_;
  NodeConfig node_config_;
  std::unique_ptr<Broker> broker_;
  std::thread broker_thread_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::thread> node_threads_;
};

// The config with every endpoint moved to a unique inproc name (for one-process runs).
Config with_inproc_endpoints(Config config);

}  // namespace simsel
