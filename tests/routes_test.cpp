// Routing of simsel-web: every route, 404 for unknown API paths, 405 with Allow, bad job ids,
// static files for everything else, and query strings.
#include "frontend/server/routes.h"

#include <catch2/catch.hpp>

using namespace simsel::web;

TEST_CASE("every API route is found with its job id", "[web][routes]") {
  CHECK(route(Method::kPost, "/api/jobs").id == RouteId::kSubmitJob);
  CHECK(route(Method::kGet, "/api/jobs").id == RouteId::kListJobs);
  const Route job = route(Method::kGet, "/api/jobs/42");
  CHECK(job.id == RouteId::kGetJob);
  CHECK(job.job_id == 42);
  CHECK(route(Method::kDelete, "/api/jobs/42").id == RouteId::kCancelJob);
  CHECK(route(Method::kPost, "/api/jobs/42/stop").id == RouteId::kStopJob);
  CHECK(route(Method::kPost, "/api/jobs/42/stop").job_id == 42);
  CHECK(route(Method::kPost, "/api/jobs/42/pause").id == RouteId::kPauseJob);
  CHECK(route(Method::kPost, "/api/jobs/42/resume").id == RouteId::kResumeJob);
  CHECK(route(Method::kPost, "/api/jobs/42/priority").id == RouteId::kPrioritizeJob);
  CHECK(route(Method::kPost, "/api/jobs/42/extend").id == RouteId::kExtendJob);
  CHECK(route(Method::kGet, "/api/jobs/7/results").id == RouteId::kJobResults);
  CHECK(route(Method::kGet, "/api/jobs/7/result.csv").id == RouteId::kJobResultCsv);
  CHECK(route(Method::kGet, "/api/jobs/7/events").job_id == 7);
  CHECK(route(Method::kGet, "/api/events").id == RouteId::kAllEvents);
  CHECK(route(Method::kGet, "/api/cluster").id == RouteId::kCluster);
  CHECK(route(Method::kGet, "/api/models").id == RouteId::kModels);
  CHECK(route(Method::kGet, "/api/openapi.json").id == RouteId::kOpenApi);
  CHECK(route(Method::kGet, "/healthz").id == RouteId::kHealth);
  CHECK(route(Method::kGet, "/metrics").id == RouteId::kMetrics);
  CHECK(route(Method::kHead, "/api/jobs/3").id == RouteId::kGetJob);
}

TEST_CASE("a wrong method on a route is 405 with the methods it takes", "[web][routes]") {
  const Route put_jobs = route(Method::kPut, "/api/jobs");
  CHECK(put_jobs.id == RouteId::kMethodNotAllowed);
  CHECK(put_jobs.allow == "POST, GET, HEAD");
  CHECK(route(Method::kPost, "/api/jobs/3").allow == "GET, HEAD, DELETE");
  CHECK(route(Method::kDelete, "/healthz").allow == "GET, HEAD");
  CHECK(route(Method::kPost, "/index.html").allow == "GET, HEAD");
}

TEST_CASE("unknown API paths are 404 and bad job ids are refused", "[web][routes]") {
  CHECK(route(Method::kGet, "/api/nope").id == RouteId::kNotFound);
  CHECK(route(Method::kGet, "/api").id == RouteId::kNotFound);
  CHECK(route(Method::kGet, "/api/jobs/3/nope").id == RouteId::kNotFound);
  CHECK(route(Method::kGet, "/api/jobs/abc").id == RouteId::kBadJobId);
  CHECK(route(Method::kGet, "/api/jobs/0").id == RouteId::kBadJobId);
  CHECK(route(Method::kGet, "/api/jobs/-1/events").id == RouteId::kBadJobId);
  CHECK(route(Method::kGet, "/api/jobs/99999999999999999999999").id == RouteId::kBadJobId);
}

TEST_CASE("other paths are static files", "[web][routes]") {
  CHECK(route(Method::kGet, "/").id == RouteId::kStaticFile);
  CHECK(route(Method::kGet, "/app.js").id == RouteId::kStaticFile);
  CHECK(route(Method::kHead, "/css/site.css").id == RouteId::kStaticFile);
}

TEST_CASE("targets split into path and query parameters", "[web][routes]") {
  auto [path, query] = split_target("/api/events?last_event_id=12&x=1");
  CHECK(path == "/api/events");
  CHECK(query == "last_event_id=12&x=1");
  CHECK(query_parameter(query, "last_event_id") == "12");
  CHECK(query_parameter(query, "x") == "1");
  CHECK_FALSE(query_parameter(query, "y"));
  CHECK(split_target("/a").second.empty());
}
