// Shared by the web front's component tests and benchmark: a LocalCluster on tcp://127.0.0.1
// ephemeral ports, a WebServer on an ephemeral HTTP port serving a small static directory, its
// io thread, and helpers to wait for the front to sync and for a job to end.
#pragma once

#include <fstream>
#include <thread>

#include "frontend/server/web_server.h"
#include "tests/cluster_fixture.h"
#include "tests/http_client.h"

namespace simsel::testing {

inline WebConfig web_test_config() {
  WebConfig web;
  web.listen_address = "127.0.0.1";
  web.port = 0;
  web.broker_timeout_ms = 3000;
  web.resync_after_ms = 3000;
  return web;
}

struct WebFixture {
  TempDir dir;
  zmq::context_t context;
  LocalCluster cluster;
  std::unique_ptr<web::WebServer> server;
  std::thread io;

  WebFixture(const std::string& name, WebConfig web = web_test_config(), std::size_t nodes = 1,
             std::uint32_t publish_hz = 10)
      : dir(name), cluster(context, cluster_config(dir.path, publish_hz), nodes) {
    std::filesystem::create_directories(dir.path / "web");
    std::ofstream(dir.path / "web/index.html") << "<!doctype html><title>simsel</title>";
    web.broker_client_endpoint = cluster.client_endpoint();
    web.broker_stats_endpoint = cluster.stats_endpoint();
    if (web.static_dir.empty()) web.static_dir = (dir.path / "web").string();
    server = std::make_unique<web::WebServer>(context, web);
    io = std::thread([this] { server->run(); });
    wait_synced();
  }
  ~WebFixture() {
    server->stop();
    io.join();
  }

  std::uint16_t port() const { return server->port(); }

  HttpReply get(const std::string& target) const {
    return http_request(port(), boost::beast::http::verb::get, target);
  }

  // Waits (at most 10 s) until /healthz says the front is in sync with the broker.
  void wait_synced() const {
    for (int i = 0; i < 200; ++i) {
      if (get("/healthz").status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("simsel-web did not sync with the broker within 10 s");
  }

  std::uint64_t submit(const nlohmann::json& spec) const {
    auto reply = http_request(port(), boost::beast::http::verb::post, "/api/jobs", spec.dump(),
                              {{"Content-Type", "application/json"}});
    if (reply.status != 202) throw std::runtime_error("submit: " + reply.body);
    return reply.json()["job_id"];
  }

  // Polls GET /api/jobs/{id} (at most 30 s) until the job has ended; returns its resource.
  nlohmann::json wait_for_end(std::uint64_t job_id) const {
    for (int i = 0; i < 600; ++i) {
      auto job = get("/api/jobs/" + std::to_string(job_id)).json();
      const std::string state = job.value("state", "");
      if (state == "succeeded" || state == "failed" || state == "cancelled") return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("job did not end within 30 s");
  }

 private:
  static Config cluster_config(const std::filesystem::path& data_dir, std::uint32_t publish_hz) {
    Config config = test_config(Transport::kTcp, 2, data_dir / "data");
    config.broker.publish_hz = publish_hz;
    return config;
  }
};

}  // namespace simsel::testing
