// See web_server.h.
#include "frontend/server/web_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

namespace simsel::web {

std::string default_static_dir() {
  return std::string(SIMSEL_SOURCE_DIR) + "/frontend/web";
}

namespace {

WebConfig with_defaults(WebConfig config) {
  if (config.static_dir.empty()) config.static_dir = default_static_dir();
  return config;
}

}  // namespace

WebServer::WebServer(zmq::context_t& context, WebConfig config)
    : config_(with_defaults(std::move(config))),
      hub_(config_.sse_replay_events),
      mirror_([this](StateMirror::Kind kind, const nlohmann::json& document) {
        if (kind == StateMirror::Kind::kJob)
          hub_.publish_job(document);
        else
          hub_.publish_cluster(document);
      }),
      link_(context, io_, config_,
            [this](protocol::Document update) { on_update(std::move(update)); }),
      api_(config_, link_, mirror_, hub_, metrics_),
      heartbeat_timer_(io_),
      sync_timer_(io_),
      signals_(io_) {
  const boost::asio::ip::tcp::endpoint endpoint(
      boost::asio::ip::make_address(config_.listen_address),
      static_cast<std::uint16_t>(config_.port));
  listener_ = std::make_shared<Listener>(io_, endpoint, api_, config_.max_body_bytes);
  listener_->run();
  last_fresh_update_ = std::chrono::steady_clock::now();
  schedule_heartbeat();
  boost::asio::post(io_, [this] { check_sync(); });
  spdlog::info("web: listening on http://{}:{}, broker {} / {}, static files from {}",
               config_.listen_address, listener_->port(), config_.broker_client_endpoint,
               config_.broker_stats_endpoint, config_.static_dir);
}

WebServer::~WebServer() = default;

void WebServer::run() {
  io_.run();
}

void WebServer::stop() {
  boost::asio::post(io_, [this] {
    listener_->stop();
    io_.stop();
  });
}

void WebServer::stop_on_signals() {
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.async_wait([this](const boost::system::error_code& error, int) {
    if (!error) stop();
  });
}

void WebServer::on_update(protocol::Document update) {
  const auto outcome = mirror_.apply_update(update);
  if (outcome == StateMirror::Outcome::kApplied)
    last_fresh_update_ = std::chrono::steady_clock::now();
  if (outcome == StateMirror::Outcome::kGap) {
    spdlog::info("web: gap in the broker's updates at seq {}: new snapshot",
                 update.body.value("seq", std::uint64_t{0}));
    check_sync();
  }
}

void WebServer::announce_sync() {
  if (mirror_.synced() == announced_synced_) return;
  announced_synced_ = mirror_.synced();
  hub_.publish_broker_state({{"state", announced_synced_ ? "synced" : "reconnecting"}});
}

void WebServer::check_sync() {
  const auto now = std::chrono::steady_clock::now();
  // The broker publishes the cluster every second: silence means it restarted (its seq began
  // again below ours) or the link is down.
  if (mirror_.synced() &&
      now - last_fresh_update_ > std::chrono::milliseconds(config_.resync_after_ms)) {
    spdlog::info("web: no fresh update for {} ms: new snapshot", config_.resync_after_ms);
    mirror_.begin_resync();
  }
  if (!mirror_.synced() && !snapshot_pending_) {
    snapshot_pending_ = true;
    link_.request("SNAPSHOT", nlohmann::json::object(), [this](Result<nlohmann::json> reply) {
      snapshot_pending_ = false;
      if (!reply) {
        spdlog::debug("web: snapshot failed: {}", reply.error().message);
        return;
      }
      mirror_.apply_snapshot(reply.value());
      last_fresh_update_ = std::chrono::steady_clock::now();
      spdlog::info("web: in sync with the broker at seq {}", mirror_.seq());
      announce_sync();
      if (!mirror_.synced()) check_sync();
    });
  }
  announce_sync();
  schedule_sync_check();
}

void WebServer::schedule_sync_check() {
  sync_timer_.expires_after(
      std::chrono::milliseconds(std::min<std::uint32_t>(config_.resync_after_ms / 3, 500)));
  sync_timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error) check_sync();
  });
}

void WebServer::schedule_heartbeat() {
  heartbeat_timer_.expires_after(std::chrono::milliseconds(config_.sse_heartbeat_ms));
  heartbeat_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    hub_.heartbeat();
    schedule_heartbeat();
  });
}

}  // namespace simsel::web
