// See routes.h. A table of fixed paths with their methods, plus the /api/jobs/{id}[/suffix]
// family; anything under /api/ that matches neither is 404, anything else is a static file.
#include "frontend/server/routes.h"

#include <array>
#include <charconv>

namespace simsel::web {
namespace {

struct Entry {
  std::string_view path;  // "{id}" stands for a job id
  Method method;
  RouteId id;
};

constexpr std::array kTable = {
    Entry{"/api/jobs", Method::kPost, RouteId::kSubmitJob},
    Entry{"/api/jobs", Method::kGet, RouteId::kListJobs},
    Entry{"/api/jobs/{id}", Method::kGet, RouteId::kGetJob},
    Entry{"/api/jobs/{id}", Method::kDelete, RouteId::kCancelJob},
    Entry{"/api/jobs/{id}/stop", Method::kPost, RouteId::kStopJob},
    Entry{"/api/jobs/{id}/pause", Method::kPost, RouteId::kPauseJob},
    Entry{"/api/jobs/{id}/resume", Method::kPost, RouteId::kResumeJob},
    Entry{"/api/jobs/{id}/priority", Method::kPost, RouteId::kPrioritizeJob},
    Entry{"/api/jobs/{id}/extend", Method::kPost, RouteId::kExtendJob},
    Entry{"/api/jobs/{id}/results", Method::kGet, RouteId::kJobResults},
    Entry{"/api/jobs/{id}/result.csv", Method::kGet, RouteId::kJobResultCsv},
    Entry{"/api/jobs/{id}/events", Method::kGet, RouteId::kJobEvents},
    Entry{"/api/events", Method::kGet, RouteId::kAllEvents},
    Entry{"/api/cluster", Method::kGet, RouteId::kCluster},
    Entry{"/api/models", Method::kGet, RouteId::kModels},
    Entry{"/api/openapi.json", Method::kGet, RouteId::kOpenApi},
    Entry{"/healthz", Method::kGet, RouteId::kHealth},
    Entry{"/metrics", Method::kGet, RouteId::kMetrics},
};

std::string_view method_name(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kPost:
      return "POST";
    case Method::kDelete:
      return "DELETE";
    default:
      return "";
  }
}

// "/api/jobs/12/events" -> pattern "/api/jobs/{id}/events" and id "12"; other paths unchanged.
std::pair<std::string, std::string_view> to_pattern(std::string_view path) {
  constexpr std::string_view kPrefix = "/api/jobs/";
  if (!path.starts_with(kPrefix)) return {std::string(path), {}};
  std::string_view rest = path.substr(kPrefix.size());
  const auto slash = rest.find('/');
  std::string_view id = rest.substr(0, slash);
  std::string pattern = "/api/jobs/{id}";
  if (slash != std::string_view::npos) pattern += rest.substr(slash);
  return {pattern, id};
}

std::optional<std::uint64_t> parse_job_id(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0) return std::nullopt;
  return value;
}

}  // namespace

Route route(Method method, std::string_view path) {
  const Method wanted = method == Method::kHead ? Method::kGet : method;
  auto [pattern, id_text] = to_pattern(path);
  std::string allow;
  for (const Entry& entry : kTable) {
    if (entry.path != pattern) continue;
    if (entry.method == wanted) {
      Route found{entry.id};
      if (pattern.starts_with("/api/jobs/{id}")) {
        auto id = parse_job_id(id_text);
        if (!id) return Route{RouteId::kBadJobId};
        found.job_id = *id;
      }
      return found;
    }
    allow += (allow.empty() ? "" : ", ") + std::string(method_name(entry.method));
    if (entry.method == Method::kGet) allow += ", HEAD";
  }
  if (!allow.empty()) return Route{RouteId::kMethodNotAllowed, 0, allow};
  if (path == "/api" || path.starts_with("/api/")) return Route{RouteId::kNotFound};
  if (wanted != Method::kGet) return Route{RouteId::kMethodNotAllowed, 0, "GET, HEAD"};
  return Route{RouteId::kStaticFile};
}

std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return {target, {}};
  return {target.substr(0, question), target.substr(question + 1)};
}

std::optional<std::string_view> query_parameter(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    if (pair.substr(0, equals) == key)
      return equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace simsel::web
