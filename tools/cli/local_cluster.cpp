// See local_cluster.h.
#include "tools/cli/local_cluster.h"

#include <atomic>

namespace simsel {

Config with_inproc_endpoints(Config config) {
  static std::atomic<int> counter{0};
  const std::string prefix = "inproc://simsel-" + std::to_string(counter++) + "-";
  config.broker.worker_endpoint = prefix + "workers";
  config.broker.client_endpoint = prefix + "clients";
  config.broker.stats_endpoint = prefix + "stats";
  config.node.broker_endpoint = config.broker.worker_endpoint;
  return config;
}

LocalCluster::LocalCluster(zmq::context_t& context, const Config& config, std::size_t nodes)
    : context_(context), node_config_(config.node) {
  broker_ = std::make_unique<Broker>(context, config.broker);
  node_config_.broker_endpoint = broker_->worker_endpoint();
  broker_thread_ = std::thread([this] { broker_->run(); });
  for (std::size_t i = 0; i < nodes; ++i) add_node(node_config_.threads);
}

void LocalCluster::add_node(std::uint32_t threads) {
  NodeConfig config = node_config_;
  config.threads = threads;
  if (config.name.empty()) config.name = "local-" + std::to_string(nodes_.size());
  nodes_.push_back(std::make_unique<Node>(context_, config));
  Node* node = nodes_.back().get();
  node_threads_.emplace_back([node] { node->run(); });
}

void LocalCluster::kill_node(std::size_t index) {
  nodes_.at(index)->kill();
  node_threads_.at(index).join();
}

LocalCluster::~LocalCluster() {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    nodes_[i]->stop();
    if (node_threads_[i].joinable()) node_threads_[i].join();
  }
  broker_->stop();
  broker_thread_.join();
}

}  // namespace simsel
