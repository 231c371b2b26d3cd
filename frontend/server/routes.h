// Routing of simsel-web (docs/HTTP_API.md): which handler a method and path go to, or why none
// does (404 unknown route, 405 with the methods the route takes). Pure function of its input;
// knows nothing of sockets or handlers. Paths under /api/ and the fixed routes are matched
// exactly; every other path goes to the static files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace simsel::web {

enum class Method { kGet, kHead, kPost, kPut, kDelete, kPatch, kOptions, kOther };

enum class RouteId {
  kSubmitJob,     // POST   /api/jobs
  kListJobs,      // GET    /api/jobs
  kGetJob,        // GET    /api/jobs/{id}
  kCancelJob,     // DELETE /api/jobs/{id}
  kStopJob,       // POST /api/jobs/{id}/stop
  kPauseJob,      // POST /api/jobs/{id}/pause
  kResumeJob,     // POST /api/jobs/{id}/resume
  kPrioritizeJob, // POST /api/jobs/{id}/priority {"weight": w}
  kExtendJob,     // POST /api/jobs/{id}/extend {"budget": N, "max_replications": M}
  kJobResults,    // GET    /api/jobs/{id}/results
  kJobResultCsv,  // GET    /api/jobs/{id}/result.csv
  kJobEvents,     // GET    /api/jobs/{id}/events
  kAllEvents,     // GET    /api/events
  kCluster,       // GET    /api/cluster
  kModels,        // GET    /api/models
  kOpenApi,       // GET    /api/openapi.json
  kHealth,        // GET    /healthz
  kMetrics,       // GET    /metrics
  kStaticFile,    // GET    anything else
  kNotFound,      // no such route
  kMethodNotAllowed,
  kBadJobId,  // /api/jobs/{id} with an id that is not a positive integer
};

struct Route {
  RouteId id = RouteId::kNotFound;
  std::uint64_t job_id = 0;  // for the /api/jobs/{id} routes
  std::string allow;         // for kMethodNotAllowed: the Allow header, e.g. "GET, HEAD"
};

// `path` is the request target without its query string. HEAD matches wherever GET does.
Route route(Method method, std::string_view path);

// Splits a request target into path and query ("/a?b=1" -> "/a", "b=1").
std::pair<std::string_view, std::string_view> split_target(std::string_view target);

// The value of `key` in a query string (no percent-decoding: our parameters are numbers).
std::optional<std::string_view> query_parameter(std::string_view query, std::string_view key);

}  // namespace simsel::web
