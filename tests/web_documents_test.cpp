// The documents of simsel-web's REST API: job spec from a body, cluster view, CSV, errors.
#include <catch2/catch.hpp>

#include "frontend/server/catalog.h"
#include "frontend/server/documents.h"

using namespace simsel::web;
using nlohmann::json;

TEST_CASE("a JSON body becomes the job spec to submit", "[web][documents]") {
  auto spec = job_spec_from_body(
      R"({"model":"normal","procedure":"kn","systems":{"list":[{"mu":0,"sigma":1},{"mu":1,"sigma":1}]}})");
  REQUIRE(spec.ok());
  CHECK(spec.value()["model"] == "normal");
  CHECK(spec.value()["systems"]["list"].size() == 2);
}

TEST_CASE("malformed: job bodies name the bad field", "[web][documents][malformed]") {
  CHECK_THAT(job_spec_from_body("{nope").error().message, Catch::StartsWith("body: not JSON"));
  CHECK_THAT(job_spec_from_body("[1]").error().message,
             Catch::StartsWith("body: must be a JSON object"));
  CHECK_THAT(job_spec_from_body(R"({"model":"normal","procedure":"kn","systems":{"csv":"a.csv"}})")
                 .error()
                 .message,
             Catch::StartsWith("systems.csv"));
  auto bad_delta = job_spec_from_body(
      R"({"model":"normal","procedure":"kn","delta":"big","systems":{"list":[]}})");
  REQUIRE_FALSE(bad_delta.ok());
  CHECK_THAT(bad_delta.error().message, Catch::Contains("delta"));
  CHECK_THAT(job_spec_from_body(R"({"procedure":"kn","systems":{}})").error().message,
             Catch::Contains("model"));
}

TEST_CASE("the cluster view adds host, busy slots and per-worker rates", "[web][documents]") {
  json before = {{"published_at", 1'000'000},
                 {"workers",
                  {{{"name", "h1:42"},
                    {"slots", 4},
                    {"in_flight", 6},
                    {"replications_done", 100},
                    {"last_seen_ms", 5}}}}};
  json now = before;
  now["published_at"] = 3'000'000;  // two seconds later
  now["workers"][0]["replications_done"] = 500;
  json view = cluster_view(now, before);
  CHECK(view["workers_alive"] == 1);
  const json& worker = view["workers"][0];
  CHECK(worker["host"] == "h1");
  CHECK(worker["busy"] == 4);
  CHECK(worker["last_heartbeat_ms"] == 5);
  CHECK(worker["replications_per_second"].get<double>() == Approx(200));
  CHECK(cluster_view(now, json())["workers"][0]["replications_per_second"] == 0.0);
}

TEST_CASE("results become CSV rows with parameters, blank stddev below 2 replications",
          "[web][documents]") {
  json rows = {{{"index", 0},
                {"params", {{"mu", 0.5}, {"sigma", 1}}},
                {"replications", 20},
                {"mean", 0.25},
                {"stddev", 1.5},
                {"selected", true}},
               {{"index", 1},
                {"params", {{"mu", 0}, {"sigma", 1}}},
                {"replications", 1},
                {"mean", -1},
                {"stddev", 0},
                {"selected", false}}};
  CHECK(results_csv_header(rows[0]["params"]) ==
        "system,mu,sigma,replications,mean,stddev,selected\n");
  CHECK(results_csv_rows(rows) == "0,0.5,1,20,0.25,1.5,1\n1,0,1,1,-1,,0\n");
}

TEST_CASE("error bodies are JSON with the message", "[web][documents]") {
  CHECK(json::parse(error_body("delta: \"bad\""))["error"] == "delta: \"bad\"");
}

TEST_CASE("GET /api/models lists the built-in models, then those live nodes offer",
          "[web][documents]") {
  const json none = models_document(json{{"workers", json::array()}});
  REQUIRE(none["models"].size() == 3);
  CHECK(none["models"][0]["kind"] == "built-in");
  const json mm1 = {{"name", "mm1"}, {"kind", "process"}, {"larger_is_better", false},
                    {"workers", 2}, {"schema", {{"params", {{"mu", {{"type", "number"}}}}}}}};
  const json offered = models_document(json{{"models", json::array({mm1})}});
  REQUIRE(offered["models"].size() == 4);
  CHECK(offered["models"][3] == mm1);
  CHECK(offered["procedures"] == none["procedures"]);
}
