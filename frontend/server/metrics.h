// WebMetrics: simsel-web's GET /metrics, in the Prometheus text format through prometheus-cpp
// (Registry + TextSerializer). Cluster and job figures are read from the StateMirror when
// scraped; the front's own counters (responses, dropped viewers) are counted as they happen.
// io thread only.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <memory>
#include <string>

#include "frontend/server/state_mirror.h"

namespace simsel::web {

class WebMetrics {
 public:
  WebMetrics();

  void count_response(unsigned status);
  void count_dropped_viewer() { sse_dropped_.Increment(); }
  // The text exposition of every metric, with the mirror's figures as of now.
  std::string render(const StateMirror& mirror, std::size_t viewers);

  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  // Advances a counter to a total the broker reports (which restarts at 0 with the broker).
  static void advance(prometheus::Counter& counter, std::uint64_t total, std::uint64_t& last);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>& jobs_;
  prometheus::Gauge& workers_alive_;
  prometheus::Gauge& slots_;
  prometheus::Gauge& slots_busy_;
  prometheus::Counter& tasks_dispatched_;
  prometheus::Counter& replications_completed_;
  prometheus::Gauge& queue_depth_;
  prometheus::Gauge& sse_viewers_;
  prometheus::Counter& sse_dropped_;
  prometheus::Family<prometheus::Counter>& responses_;
  std::uint64_t last_tasks_dispatched_ = 0;
  std::uint64_t last_replications_ = 0;
};

}  // namespace simsel::web
