// WebServer: simsel-web assembled — one io thread running Boost.Asio (HTTP sessions, event
// streams, timers, and the handlers of everything the broker says) plus the BrokerLink's
// ZeroMQ thread, which posts replies and publications into the io_context. All state below
// (mirror, hub, metrics, api) is touched by the io thread only. Periodic work on the io thread:
// a heartbeat comment to every stream, and a sync check that takes a new snapshot when the
// mirror is out of sync or has heard nothing for resync_after_ms.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <zmq.hpp>

#include "common/config/config.h"
#include "frontend/server/api.h"
#include "frontend/server/broker_link.h"
#include "frontend/server/event_hub.h"
#include "frontend/server/http_session.h"
#include "frontend/server/metrics.h"
#include "frontend/server/state_mirror.h"

namespace simsel::web {

class WebServer {
 public:
  // Binds the HTTP port and connects to the broker. Throws on a bad address, a port in use or
  // a bad endpoint.
  WebServer(zmq::context_t& context, WebConfig config);
  ~WebServer();

  // Serves until stop(); call on the thread that is to be the io thread.
  void run();
  // Thread-safe.
  void stop();
  // Stops on SIGINT or SIGTERM.
  void stop_on_signals();
  // The port actually bound (config port 0: an ephemeral one).
  std::uint16_t port() const { return listener_->port(); }

 private:
  void on_update(protocol::Document update);
  void check_sync();
  // Tells every viewer when simsel-web loses or regains the broker (EventHub's `broker` event).
  void announce_sync();
  void schedule_heartbeat();
  void schedule_sync_check();

  WebConfig config_;
  // Declared before io_ so that they outlive the handlers io_ still holds when destroyed.
  EventHub hub_;
  WebMetrics metrics_;
  StateMirror mirror_;
  boost::asio::io_context io_;
  BrokerLink link_;
  Api api_;
  std::shared_ptr<Listener> listener_;
  boost::asio::steady_timer heartbeat_timer_;
  boost::asio::steady_timer sync_timer_;
  boost::asio::signal_set signals_;
  bool snapshot_pending_ = false;
  bool announced_synced_ = true;  // what viewers were last told (nothing said: all well)
  std::chrono::steady_clock::time_point last_fresh_update_;
};

// The default static directory: frontend/web in the source tree this binary was built from.
std::string default_static_dir();

}  // namespace simsel::web
