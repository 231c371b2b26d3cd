// Shared by the component tests: a LocalCluster on tcp://127.0.0.1 ephemeral ports or inproc,
// with fast heartbeats and a fresh data directory, and helpers to run a job to its end, with or
// without a node killed part-way.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>

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

// The job document of `job_id` from STATUS. Throws if the broker refuses or does not answer.
inline nlohmann::json job_status(BrokerClient& client, std::uint64_t job_id) {
  auto status = client.request("STATUS", {{"job_id", job_id}});
  if (!status) throw std::runtime_error(status.error().message);
  return status.value()["job"];
}

// A job that lost a node part-way: its document just before the kill (whose state tells whether
// the kill landed mid-job), its final document, and the workers the broker still listed after.
struct InterruptedRun {
  nlohmann::json before_kill;
  nlohmann::json final;
  std::size_t workers_left = 0;
};

// Submits `spec`, waits (at most about 5 s) until the job has simulated more than `progress`
// replications, kills node `node` without a goodbye, so that the broker must find it silent,
// expire it and hand its tasks out again, then follows the job to its end.
inline InterruptedRun run_killing_node(zmq::context_t& context, LocalCluster& cluster,
                                       const nlohmann::json& spec, std::size_t node,
                                       std::uint64_t progress) {
  BrokerClient client(context, cluster.client_endpoint());
  auto submitted = client.request("SUBMIT", {{"spec", spec}});
  if (!submitted) throw std::runtime_error(submitted.error().message);
  const std::uint64_t job_id = submitted.value()["job_id"];
  for (int i = 0; i < 1000; ++i) {
    if (job_status(client, job_id)["simulated_replications"].get<std::uint64_t>() > progress) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  InterruptedRun run;
  run.before_kill = job_status(client, job_id);
  cluster.kill_node(node);
  auto final =
      follow_job(context, client, cluster.stats_endpoint(), job_id, [](const nlohmann::json&) {});
  if (!final) throw std::runtime_error(final.error().message);
  run.final = final.value();
  auto snapshot = client.request("SNAPSHOT");
  if (!snapshot) throw std::runtime_error(snapshot.error().message);
  run.workers_left = snapshot.value()["cluster"]["workers"].size();
  return run;
}

}  // namespace simsel::testing
