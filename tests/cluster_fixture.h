// Shared by the component tests: a LocalCluster on tcp://127.0.0.1 ephemeral ports or inproc,
// with fast heartbeats and a fresh data directory, and helpers to run a job to its end.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tools/cli/local_cluster.h"
#include "tools/cli/stats_feed.h"

namespace simsel::testing {

enum class Transport { kTcp, kInproc };

inline Config test_config(Transport transport, std::uint32_t threads_per_node,
                          const std::filesystem::path& data_dir) {
  Config config;
  config.broker.data_dir = data_dir;
  config.broker.heartbeat_ms = 100;
  config.broker.liveness = 3;
  config.broker.task_target_ms = 5;
  config.node.heartbeat_ms = 100;
  config.node.threads = threads_per_node;
  config.node.reconnect_min_ms = 50;
  config.node.reconnect_max_ms = 400;
  if (transport == Transport::kInproc) return with_inproc_endpoints(config);
  config.broker.worker_endpoint = "tcp://127.0.0.1:*";
  config.broker.client_endpoint = "tcp://127.0.0.1:*";
  config.broker.stats_endpoint = "tcp://127.0.0.1:*";
  return config;
}

// A fresh, empty directory under the system temp dir, removed when the object goes.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() /
             ("simsel-test-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// KN on k normal systems in the slippage configuration.
inline nlohmann::json normal_job(std::uint64_t k, std::uint64_t seed) {
  return {{"model", "normal"},
          {"procedure", "kn"},
          {"delta", 0.1},
          {"alpha", 0.05},
          {"n0", 20},
          {"seed", seed},
          {"systems",
           {{"generator", "configuration"},
            {"k", k},
            {"means", "slippage"},
            {"delta", 0.1},
            {"variances", "equal"}}}};
}

// KN on the flow line with small L: slow enough (tens of ms per task) to kill a node mid-job.
inline nlohmann::json flowline_job(std::uint64_t L, std::uint64_t seed) {
  return {{"model", "tp"}, {"procedure", "kn"},
          {"delta", 0.2},  {"alpha", 0.05},
          {"n0", 10},      {"seed", seed},
          {"crn", true},   {"systems", {{"generator", "flowline"}, {"L", L}}}};
}

inline nlohmann::json run_to_end(zmq::context_t& context, LocalCluster& cluster,
                                 const nlohmann::json& spec) {
  BrokerClient client(context, cluster.client_endpoint());
  auto submitted = client.request("SUBMIT", {{"spec", spec}});
  if (!submitted) throw std::runtime_error(submitted.error().message);
  auto final = follow_job(context, client, cluster.stats_endpoint(), submitted.value()["job_id"],
                          [](const nlohmann::json&) {});
  if (!final) throw std::runtime_error(final.error().message);
  return final.value();
}

}  // namespace simsel::testing
