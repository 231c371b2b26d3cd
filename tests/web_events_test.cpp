// simsel-web's event streams booted for real (broker and node on tcp://127.0.0.1): events
// arrive in order with increasing ids, a reconnect with Last-Event-ID (header or query) misses
// nothing, a client that does not read is dropped without delaying the others, heartbeats,
// the viewer limit.
#include <netinet/in.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>

#include "tests/web_fixture.h"

using namespace simsel;
using namespace simsel::testing;
namespace http = boost::beast::http;

namespace {

bool is_final(const nlohmann::json& job) {
  const std::string state = job.value("state", "");
  return state == "succeeded" || state == "failed" || state == "cancelled";
}

// Reads a job's stream until its final state (at most 30 s).
std::vector<SseEvent> read_to_end(SseClient& client) {
  std::vector<SseEvent> events;
  while (auto event = client.next(std::chrono::seconds(30))) {
    events.push_back(*event);
    if (is_final(event->json())) break;
  }
  return events;
}

std::vector<std::uint64_t> ids(const std::vector<SseEvent>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& event : events) out.push_back(event.id);
  return out;
}

std::uint64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TEST_CASE("a job's events arrive in order with increasing ids, from snapshot to final state",
          "[web][sse]") {
  WebFixture web("sse-order", web_test_config(), 1, 50);
  const std::uint64_t id = web.submit(flowline_job(10, 2));
  SseClient client(web.port(), "/api/jobs/" + std::to_string(id) + "/events");
  auto head = client.head(std::chrono::seconds(5));
  REQUIRE(head);
  CHECK_THAT(*head, Catch::StartsWith("HTTP/1.1 200 OK\r\n"));
  CHECK_THAT(*head, Catch::Contains("Content-Type: text/event-stream\r\n"));
  const auto events = read_to_end(client);
  REQUIRE(events.size() >= 3);
  CHECK(events.front().name == "snapshot");
  CHECK(events.back().json()["state"] == "succeeded");
  std::uint64_t last_seq = 0;
  for (std::size_t i = 1; i < events.size(); ++i) {
    CHECK(events[i].id > events[i - 1].id);
    CHECK(events[i].name == "stats");
    CHECK(events[i].json()["job_id"] == id);
    const auto seq = events[i].json()["seq"].get<std::uint64_t>();
    CHECK(seq > last_seq);
    last_seq = seq;
    CHECK(events[i].json()["published_at"].get<std::uint64_t>() <= now_us());
  }
}

// Follows job `id` from the start (reference) and, at the same time, with a client that hangs
// up after a few events and comes back with the last id it saw: both must see the same events.
void check_resume(const WebFixture& web, std::uint64_t id, bool by_header) {
  const std::string target = "/api/jobs/" + std::to_string(id) + "/events";
  SseClient reference(web.port(), target);
  REQUIRE(reference.next(std::chrono::seconds(5)));
  std::vector<SseEvent> resumed;
  {
    SseClient early(web.port(), target);
    for (int i = 0; i < 4; ++i) {
      auto event = early.next(std::chrono::seconds(10));
      REQUIRE(event);
      resumed.push_back(*event);
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(150));  // events go by meanwhile
  const std::string last = std::to_string(resumed.back().id);
  SseClient again(web.port(), by_header ? target : target + "?last_event_id=" + last,
                  by_header ? std::map<std::string, std::string>{{"Last-Event-ID", last}}
                            : std::map<std::string, std::string>{});
  auto rest = read_to_end(again);
  REQUIRE_FALSE(rest.empty());
  CHECK(rest.front().name == "stats");  // a replay, not a new snapshot
  CHECK(rest.back().json()["state"] == "succeeded");
  resumed.insert(resumed.end(), rest.begin(), rest.end());
  std::vector<std::uint64_t> expected;
  for (auto event_id : ids(read_to_end(reference)))
    if (event_id > resumed.front().id) expected.push_back(event_id);
  const auto resumed_ids = ids(resumed);
  CHECK(std::vector<std::uint64_t>(resumed_ids.begin() + 1, resumed_ids.end()) == expected);
}

TEST_CASE("a reconnect with Last-Event-ID or ?last_event_id= misses nothing", "[web][sse]") {
  WebFixture web("sse-resume", web_test_config(), 1, 50);
  check_resume(web, web.submit(flowline_job(10, 3)), true);
  check_resume(web, web.submit(flowline_job(10, 4)), false);
  // A last id the front never issued: a fresh snapshot instead of a replay.
  const std::string target = "/api/jobs/1/events";
  SseClient stranger(web.port(), target + "?last_event_id=999999");
  auto snapshot = stranger.next(std::chrono::seconds(5));
  REQUIRE(snapshot);
  CHECK(snapshot->name == "snapshot");
  CHECK(web.get(target + "?last_event_id=x").status == 400);
}

TEST_CASE("the all-jobs stream starts with a snapshot and carries the cluster", "[web][sse]") {
  WebFixture web("sse-all");
  SseClient client(web.port(), "/api/events");
  auto snapshot = client.next(std::chrono::seconds(5));
  REQUIRE(snapshot);
  CHECK(snapshot->name == "snapshot");
  CHECK(snapshot->json().contains("jobs"));
  CHECK(snapshot->json()["cluster"].contains("workers"));
  const std::uint64_t id = web.submit(normal_job(3, 5));
  bool saw_cluster = false, saw_job = false;
  for (int i = 0; i < 100 && !(saw_cluster && saw_job); ++i) {
    auto event = client.next(std::chrono::seconds(3));
    REQUIRE(event);
    saw_cluster |= event->name == "cluster";
    saw_job |= event->name == "stats" && event->json()["job_id"] == id;
  }
  CHECK(saw_cluster);
  CHECK(saw_job);
}

TEST_CASE("a client that does not read is dropped without delaying the others", "[web][sse]") {
  WebConfig config = web_test_config();
  config.sse_queue_events = 8;
  config.sse_send_buffer_bytes = 4096;
  WebFixture web("sse-slow", config, 1, 200);
  // The slow viewer: a tiny receive buffer, and it never reads.
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket slow(io);
  slow.open(boost::asio::ip::tcp::v4());
  slow.set_option(boost::asio::socket_base::receive_buffer_size(1024));
  slow.connect({boost::asio::ip::make_address("127.0.0.1"), web.port()});
  boost::asio::write(slow, boost::asio::buffer(
                               std::string("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")));
  SseClient fast(web.port(), "/api/events");
  REQUIRE(fast.next(std::chrono::seconds(5)));
  std::vector<std::uint64_t> jobs;
  for (std::uint64_t seed = 1; seed <= 3; ++seed)
    jobs.push_back(web.submit(flowline_job(10, seed)));
  std::uint64_t worst_delay_us = 0, last_id = 0, ended = 0;
  while (ended < jobs.size()) {
    auto event = fast.next(std::chrono::seconds(10));
    INFO("fast client closed: " << fast.closed());
    REQUIRE(event);
    CHECK(event->id > last_id);
    last_id = event->id;
    if (event->name != "stats") continue;
    worst_delay_us =
        std::max(worst_delay_us, now_us() - event->json()["published_at"].get<std::uint64_t>());
    ended += is_final(event->json());
  }
  CHECK(worst_delay_us < 500'000);
  auto metrics = web.get("/metrics").body;
  CHECK_THAT(metrics, Catch::Contains("simsel_sse_dropped_total 1"));
  CHECK_THAT(metrics, Catch::Contains("simsel_sse_viewers 1"));
}

TEST_CASE("quiet streams get heartbeats and viewers beyond the limit get 503", "[web][sse]") {
  WebConfig config = web_test_config();
  config.sse_heartbeat_ms = 100;
  config.max_viewers = 1;
  WebFixture web("sse-heartbeat", config);
  SseClient client(web.port(), "/api/events");
  REQUIRE(client.next(std::chrono::seconds(5)));
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(600);
  while (std::chrono::steady_clock::now() < until)
    (void)client.next(std::chrono::milliseconds(100));
  CHECK(client.comments() >= 3);
  auto refused = web.get("/api/events");
  CHECK(refused.status == 503);
  CHECK(refused.header("retry-after") == "5");
}
