// simsel-web booted for real against a broker and a node on tcp://127.0.0.1 ephemeral ports,
// with a Beast HTTP client: every REST route and error status, static files, metrics.
// The event streams are tested in web_events_test.cpp.
#include <catch2/catch.hpp>

#include "tests/web_fixture.h"

using namespace simsel;
using namespace simsel::testing;
namespace http = boost::beast::http;

namespace {

HttpReply post_json(const WebFixture& web, const std::string& body) {
  return http_request(web.port(), http::verb::post, "/api/jobs", body,
                      {{"Content-Type", "application/json"}});
}

}  // namespace

TEST_CASE("a job submitted over HTTP runs to the end and its results come as JSON and CSV",
          "[web][rest]") {
  WebFixture web("web-job");
  auto submitted = post_json(web, normal_job(4, 3).dump());
  REQUIRE(submitted.status == 202);
  const std::uint64_t id = submitted.json()["job_id"];
  CHECK(submitted.header("location") == "/api/jobs/" + std::to_string(id));
  CHECK(submitted.header("content-type") == "application/json");

  const auto job = web.wait_for_end(id);
  CHECK(job["state"] == "succeeded");
  CHECK(job["best"]["index"] == 0);
  CHECK(job["spec"]["procedure"] == "kn");
  CHECK(job["links"]["events"] == "/api/jobs/" + std::to_string(id) + "/events");

  auto list = web.get("/api/jobs");
  REQUIRE(list.status == 200);
  CHECK(list.json()["jobs"].size() == 1);

  auto results = web.get("/api/jobs/" + std::to_string(id) + "/results?limit=3");
  REQUIRE(results.status == 200);
  CHECK(results.json()["final"] == true);
  CHECK(results.json()["results"].size() == 3);
  CHECK(results.json()["results"][0]["selected"] == true);
  CHECK_FALSE(results.json().contains("request_id"));
  CHECK(web.get("/api/jobs/" + std::to_string(id) + "/results?limit=0").status == 400);
  CHECK_THAT(web.get("/api/jobs/" + std::to_string(id) + "/results?offset=x").body,
             Catch::Contains("offset"));

  auto csv = web.get("/api/jobs/" + std::to_string(id) + "/result.csv");
  REQUIRE(csv.status == 200);
  CHECK(csv.header("content-type") == "text/csv; charset=utf-8");
  CHECK_THAT(csv.body, Catch::StartsWith("system,mu,sigma,replications,mean,stddev,selected\n0,"));
  CHECK(std::count(csv.body.begin(), csv.body.end(), '\n') == 5);  // header and 4 systems
  CHECK(std::count(csv.body.begin(), csv.body.end(), ',') == 5 * 6);
}

TEST_CASE("bad job specs are 400 naming the field, big bodies 413", "[web][rest]") {
  WebConfig config = web_test_config();
  config.max_body_bytes = 2048;
  WebFixture web("web-bad", config);
  auto not_json = post_json(web, "{model");
  CHECK(not_json.status == 400);
  CHECK_THAT(not_json.json()["error"].get<std::string>(), Catch::StartsWith("body"));
  auto bad_field = normal_job(4, 1);
  bad_field["delta"] = "small";
  auto refused = post_json(web, bad_field.dump());
  CHECK(refused.status == 400);
  CHECK_THAT(refused.json()["error"].get<std::string>(), Catch::Contains("delta"));
  auto bad_model = normal_job(4, 1);
  bad_model["model"] = "nope";  // refused by the broker's model registry (its 422)
  auto unknown_model = post_json(web, bad_model.dump());
  CHECK(unknown_model.status == 400);
  CHECK_THAT(unknown_model.json()["error"].get<std::string>(), Catch::Contains("model"));
  auto too_big = post_json(web, std::string(4096, ' '));
  CHECK(too_big.status == 413);
  CHECK_THAT(too_big.json()["error"].get<std::string>(), Catch::Contains("2048"));
}

TEST_CASE("cancel, unknown jobs, ended jobs, wrong methods and unknown routes", "[web][rest]") {
  WebFixture web("web-errors");
  const std::uint64_t long_job = web.submit(flowline_job(20, 1));
  const std::string path = "/api/jobs/" + std::to_string(long_job);
  auto early_csv = web.get(path + "/result.csv");
  CHECK(early_csv.status == 409);
  CHECK_THAT(early_csv.json()["error"].get<std::string>(), Catch::Contains("has not ended"));
  auto cancelled = http_request(web.port(), http::verb::delete_, path);
  REQUIRE(cancelled.status == 200);
  CHECK(cancelled.json()["state"] == "cancelled");
  auto again = http_request(web.port(), http::verb::delete_, path);
  CHECK(again.status == 409);
  CHECK(http_request(web.port(), http::verb::delete_, "/api/jobs/999").status == 404);
  auto unknown = web.get("/api/jobs/999");
  CHECK(unknown.status == 404);
  CHECK(unknown.json()["error"] == "no job 999");
  CHECK(web.get("/api/jobs/999/events").status == 404);
  CHECK(web.get("/api/jobs/abc").status == 400);
  auto wrong_method = http_request(web.port(), http::verb::put, "/api/jobs");
  CHECK(wrong_method.status == 405);
  CHECK(wrong_method.header("allow") == "POST, GET, HEAD");
  CHECK(web.get("/api/nothing").status == 404);
}

TEST_CASE("cluster, models, OpenAPI, health and metrics", "[web][rest]") {
  WebFixture web("web-info");
  const auto id = web.submit(normal_job(3, 2));
  web.wait_for_end(id);
  nlohmann::json cluster = nlohmann::json::object();
  for (int i = 0; i < 60 && cluster.value("workers_alive", 0) == 0; ++i) {
    cluster = web.get("/api/cluster").json();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // One node; under heavy load it may miss heartbeats and rejoin, so its old session can still
  // be listed until it expires.
  REQUIRE(cluster["workers"].size() >= 1);
  const nlohmann::json& worker = cluster["workers"].back();
  CHECK(worker["slots"] == 2);
  CHECK(worker.contains("host"));
  CHECK(worker.contains("replications_per_second"));

  auto models = web.get("/api/models").json();
  std::set<std::string> names;
  for (const auto& model : models["models"]) names.insert(model["name"]);
  CHECK(names == std::set<std::string>{"normal", "tp", "sS"});
  CHECK(models["fields"]["delta"]["default"] == 0.1);
  CHECK(models["procedures"].size() >= 4);

  auto openapi = web.get("/api/openapi.json").json();
  CHECK(openapi["openapi"] == "3.0.3");
  for (const char* route :
       {"/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/result.csv", "/api/jobs/{id}/events",
        "/api/events", "/api/cluster", "/api/models", "/healthz", "/metrics"})
    CHECK(openapi["paths"].contains(route));

  auto health = web.get("/healthz");
  CHECK(health.status == 200);
  CHECK(health.json()["broker"] == "synced");

  auto metrics = web.get("/metrics");
  REQUIRE(metrics.status == 200);
  CHECK_THAT(metrics.header("content-type"), Catch::StartsWith("text/plain; version=0.0.4"));
  CHECK_THAT(metrics.body, Catch::Contains("simsel_jobs{state=\"succeeded\"} 1"));
  CHECK_THAT(metrics.body, Catch::Contains("simsel_workers_alive 1"));
  CHECK_THAT(metrics.body, Catch::Contains("simsel_sse_viewers 0"));
  CHECK_THAT(metrics.body, Catch::Contains("simsel_tasks_dispatched_total"));
  CHECK_THAT(metrics.body, Catch::Contains("simsel_replications_completed_total"));
  CHECK_THAT(metrics.body, Catch::Contains("simsel_queue_depth 0"));
}

TEST_CASE("static files: index, content type, HEAD, no traversal, no POST", "[web][static]") {
  WebFixture web("web-static");
  auto index = web.get("/");
  REQUIRE(index.status == 200);
  CHECK(index.header("content-type") == "text/html; charset=utf-8");
  CHECK_THAT(index.body, Catch::Contains("<title>simsel</title>"));
  auto head = http_request(web.port(), http::verb::head, "/index.html");
  CHECK(head.status == 200);
  CHECK(head.header("content-length") == std::to_string(index.body.size()));
  CHECK(head.body.empty());
  CHECK(web.get("/../data/simsel.sqlite").status == 404);
  CHECK(web.get("/%2e%2e/data/simsel.sqlite").status == 404);
  CHECK(web.get("/missing.js").status == 404);
  auto post = http_request(web.port(), http::verb::post, "/index.html", "x");
  CHECK(post.status == 405);
  CHECK(post.header("allow") == "GET, HEAD");
}

TEST_CASE("without a broker, job requests are 503 and health says so", "[web][rest]") {
  TempDir dir("web-nobroker");
  zmq::context_t context;
  WebConfig config = web_test_config();
  config.broker_client_endpoint = "tcp://127.0.0.1:1";  // nobody listens there
  config.broker_stats_endpoint = "tcp://127.0.0.1:2";
  config.static_dir = dir.path.string();
  web::WebServer server(context, config);
  std::thread io([&] { server.run(); });
  CHECK(http_request(server.port(), http::verb::get, "/healthz").status == 503);
  auto submitted =
      http_request(server.port(), http::verb::post, "/api/jobs", normal_job(3, 1).dump());
  CHECK(submitted.status == 503);
  CHECK(submitted.header("retry-after") == "5");
  CHECK(http_request(server.port(), http::verb::get, "/api/jobs/1").status == 503);
  server.stop();
  io.join();
}
