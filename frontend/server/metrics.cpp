// See metrics.h.
#include "frontend/server/metrics.h"

#include <prometheus/text_serializer.h>

#include <array>
#include <string_view>

namespace simsel::web {
namespace {

constexpr std::array<std::string_view, 6> kStates = {"queued", "running",   "succeeded",
                                                     "failed", "cancelled", "stopped"};

prometheus::Gauge& gauge(prometheus::Registry& registry, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

prometheus::Counter& counter(prometheus::Registry& registry, const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

WebMetrics::WebMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      jobs_(prometheus::BuildGauge()
                .Name("simsel_jobs")
                .Help("Jobs the broker knows, by state")
                .Register(*registry_)),
      workers_alive_(gauge(*registry_, "simsel_workers_alive", "Worker nodes connected")),
      slots_(gauge(*registry_, "simsel_worker_slots", "Compute slots of the connected workers")),
      slots_busy_(gauge(*registry_, "simsel_worker_slots_busy", "Slots holding a task")),
      tasks_dispatched_(counter(*registry_, "simsel_tasks_dispatched_total",
                                "Tasks the broker handed to workers")),
      replications_completed_(counter(*registry_, "simsel_replications_completed_total",
                                      "Replications whose results reached the broker")),
      queue_depth_(gauge(*registry_, "simsel_queue_depth", "Jobs queued, waiting for workers")),
      sse_viewers_(gauge(*registry_, "simsel_sse_viewers", "Open Server-Sent-Events streams")),
      sse_dropped_(counter(*registry_, "simsel_sse_dropped_total",
                           "Event streams closed because the client fell behind")),
      responses_(prometheus::BuildCounter()
                     .Name("simsel_http_requests_total")
                     .Help("HTTP responses sent, by status code")
                     .Register(*registry_)) {}

void WebMetrics::count_response(unsigned status) {
  responses_.Add({{"code", std::to_string(status)}}).Increment();
}

void WebMetrics::advance(prometheus::Counter& counter, std::uint64_t total, std::uint64_t& last) {
  counter.Increment(static_cast<double>(total >= last ? total - last : total));
  last = total;
}

std::string WebMetrics::render(const StateMirror& mirror, std::size_t viewers) {
  std::array<double, kStates.size()> by_state{};
  for (const auto& [id, job] : mirror.jobs()) {
    const std::string state = job.value("state", "");
    for (std::size_t i = 0; i < kStates.size(); ++i) by_state[i] += state == kStates[i];
  }
  for (std::size_t i = 0; i < kStates.size(); ++i)
    jobs_.Add({{"state", std::string(kStates[i])}}).Set(by_state[i]);
  queue_depth_.Set(by_state[0]);
  const auto& cluster = mirror.cluster();
  workers_alive_.Set(static_cast<double>(cluster.value("workers_alive", std::uint64_t{0})));
  slots_.Set(static_cast<double>(cluster.value("slots", std::uint64_t{0})));
  slots_busy_.Set(static_cast<double>(cluster.value("busy", std::uint64_t{0})));
  advance(tasks_dispatched_, cluster.value("tasks_dispatched", std::uint64_t{0}),
          last_tasks_dispatched_);
  advance(replications_completed_, cluster.value("replications_done", std::uint64_t{0}),
          last_replications_);
  sse_viewers_.Set(static_cast<double>(viewers));
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace simsel::web
