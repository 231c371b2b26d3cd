// Benchmark: N concurrent SSE viewers of one running job on simsel-web, measuring the delivery
// latency of each job update from the broker's publish (published_at, wall clock) to a viewer's
// receipt (p50, p99, max over every delivery), and the latency of GET /api/jobs/{id} polled
// while they watch. Broker, node, web front and viewers run in this process on their own
// threads over tcp://127.0.0.1 and HTTP on loopback. Prints ratios against the goal (1,000
// viewers: p99 delivery < 250 ms, REST p99 < 50 ms). Not a test: it asserts nothing.
//
// usage: bench_web_viewers [--viewers N] [--seconds S] [--node-threads T] [--publish-hz H]
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <charconv>
#include <iostream>
#include <thread>

#include "tests/web_fixture.h"

using namespace simsel;
using namespace simsel::testing;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kGoalDeliveryP99Ms = 250;
constexpr double kGoalRestP99Ms = 50;

std::uint64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One viewer: reads its stream asynchronously and records, for each stats event, the delay
// between its published_at and now.
class Viewer : public std::enable_shared_from_this<Viewer> {
 public:
  Viewer(boost::asio::io_context& io, std::vector<double>& delays_ms)
      : socket_(io), delays_ms_(delays_ms) {}

  void start(std::uint16_t port, const std::string& target) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    request_ = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    boost::asio::write(socket_, boost::asio::buffer(request_));
    read();
  }
  std::uint64_t events() const { return events_; }
  bool closed() const { return closed_; }
  void stop() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  void read() {
    socket_.async_read_some(
        boost::asio::buffer(chunk_),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t n) {
          if (error) {
            self->closed_ = true;
            return;
          }
          self->buffer_.append(self->chunk_.data(), n);
          self->consume_events();
          self->read();
        });
  }

  void consume_events() {
    std::size_t end;
    while ((end = buffer_.find("\n\n")) != std::string::npos) {
      // Snapshots carry the published_at of an older update: only live updates count.
      const bool live = buffer_.compare(buffer_.find('\n') + 1, 12, "event: stats") == 0;
      const auto at = buffer_.find("\"published_at\":");
      if (live && at != std::string::npos && at < end) {
        std::uint64_t published = 0;
        const char* digits = buffer_.data() + at + 15;
        std::from_chars(digits, buffer_.data() + end, published);
        delays_ms_.push_back(static_cast<double>(now_us() - published) / 1000.0);
        ++events_;
      }
      buffer_.erase(0, end + 2);
    }
  }

  boost::asio::ip::tcp::socket socket_;
  std::vector<double>& delays_ms_;
  std::string request_;
  std::array<char, 16384> chunk_;
  std::string buffer_;
  std::uint64_t events_ = 0;
  bool closed_ = false;
};

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(p * values.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_web_viewers: SSE delivery and REST latency of simsel-web under N viewers"};
  std::uint32_t viewers = 1000, seconds = 10, node_threads = 1, publish_hz = 10;
  app.add_option("--viewers", viewers, "concurrent SSE viewers of the job");
  app.add_option("--seconds", seconds, "measurement time");
  app.add_option("--node-threads", node_threads, "compute threads of the worker node");
  app.add_option("--publish-hz", publish_hz, "job updates per second (broker.publish_hz)");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  WebConfig config = web_test_config();
  config.max_viewers = viewers + 10;
  WebFixture web("bench-web", config, 0, publish_hz);
  web.cluster.add_node(node_threads);
  // A long job: Rinott's first stage on the 57,624-system flow line, cancelled at the end.
  const std::uint64_t job_id = web.submit({{"model", "tp"},
                                           {"procedure", "rinott"},
                                           {"n0", 20},
                                           {"systems", {{"generator", "flowline"}, {"L", 50}}}});
  const std::string job_path = "/api/jobs/" + std::to_string(job_id);

  boost::asio::io_context io;
  std::vector<double> delays_ms;
  std::vector<std::shared_ptr<Viewer>> all;
  for (std::uint32_t i = 0; i < viewers; ++i) {
    all.push_back(std::make_shared<Viewer>(io, delays_ms));
    all.back()->start(web.port(), job_path + "/events");
  }
  std::thread viewer_thread([&] { io.run(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // every viewer got its snapshot
  boost::asio::post(io, [&] { delays_ms.clear(); });

  std::vector<double> rest_ms;
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < end) {
    const auto start = Clock::now();
    auto reply = web.get(job_path);
    rest_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (reply.status != 200) std::cerr << "GET " << job_path << ": " << reply.status << "\n";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::uint64_t closed = 0, min_events = UINT64_MAX;
  boost::asio::post(io, [&] {
    for (auto& viewer : all) {
      closed += viewer->closed();
      min_events = std::min(min_events, viewer->events());
      viewer->stop();
    }
  });
  viewer_thread.join();
  (void)http_request(web.port(), boost::beast::http::verb::delete_, job_path);

  const double delivery_p99 = percentile(delays_ms, 0.99), rest_p99 = percentile(rest_ms, 0.99);
  std::cout << "viewers " << viewers << ", " << seconds << " s, publish_hz " << publish_hz
            << ", node threads " << node_threads << "\n"
            << "deliveries " << delays_ms.size() << " (fewest per viewer " << min_events
            << ", viewers dropped " << closed << ")\n"
            << "delivery latency ms: p50 " << percentile(delays_ms, 0.5) << "  p99 " << delivery_p99
            << "  max " << percentile(delays_ms, 1.0) << "\n"
            << "GET /api/jobs/{id} ms (" << rest_ms.size() << " requests): p50 "
            << percentile(rest_ms, 0.5) << "  p99 " << rest_p99 << "  max "
            << percentile(rest_ms, 1.0) << "\n"
            << "p99 delivery / goal " << kGoalDeliveryP99Ms
            << " ms = " << delivery_p99 / kGoalDeliveryP99Ms << "\n"
            << "p99 REST / goal " << kGoalRestP99Ms << " ms = " << rest_p99 / kGoalRestP99Ms
            << "\n";
  return 0;
}
