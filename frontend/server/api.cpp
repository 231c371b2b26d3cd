// See api.h. Handlers that need the broker answer from its reply's callback: the Responder
// they capture keeps the connection alive until then.
#include "frontend/server/api.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include "frontend/server/catalog.h"
#include "frontend/server/documents.h"
#include "frontend/server/sse_session.h"

namespace simsel::web {
namespace http = boost::beast::http;
namespace {

Method to_method(http::verb verb) {
  switch (verb) {
    case http::verb::get:
      return Method::kGet;
    case http::verb::head:
      return Method::kHead;
    case http::verb::post:
      return Method::kPost;
    case http::verb::put:
      return Method::kPut;
    case http::verb::delete_:
      return Method::kDelete;
    case http::verb::patch:
      return Method::kPatch;
    case http::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

// Reads ?name=N as a non-negative integer within [min, max]; `fallback` when absent.
std::optional<std::uint64_t> count_parameter(std::string_view query, std::string_view name,
                                             std::uint64_t fallback, std::uint64_t min,
                                             std::uint64_t max) {
  auto text = query_parameter(query, name);
  if (!text) return fallback;
  auto value = parse_event_id(*text);  // the same grammar: decimal digits only
  if (!value || *value < min || *value > max) return std::nullopt;
  return value;
}

constexpr std::uint64_t kMaxResultsPage = 10000;

// Beast in Boost 1.74 speaks boost::string_view.
boost::beast::string_view beast_view(std::string_view text) {
  return {text.data(), text.size()};
}
std::string_view std_view(boost::beast::string_view text) {
  return {text.data(), text.size()};
}

}  // namespace

void Responder::send(unsigned status, std::string body, std::string_view content_type,
                     std::initializer_list<std::pair<std::string_view, std::string>> headers) {
  Response response{static_cast<http::status>(status), version_};
  response.set(http::field::server, "simsel-web");
  response.set(http::field::content_type, beast_view(content_type));
  response.set(http::field::cache_control, "no-store");
  for (const auto& [name, value] : headers) response.set(beast_view(name), value);
  response.keep_alive(keep_alive_);
  response.body() = std::move(body);
  metrics_.count_response(status);
  session_->respond(std::move(response));
}

void Responder::error(unsigned status, std::string_view message,
                      std::initializer_list<std::pair<std::string_view, std::string>> headers) {
  send(status, error_body(message), "application/json", headers);
}

void Responder::broker_error(const Error& failure) {
  switch (failure.code) {
    case 0:
      return error(503, failure.message, {{"Retry-After", "5"}});
    case 404:
    case 409:
    case 400:
      return error(static_cast<unsigned>(failure.code), failure.message);
    case 422:
      return error(400, failure.message);
    default:
      return error(502, "broker: " + failure.message);
  }
}

Api::Api(const WebConfig& config, BrokerLink& link, const StateMirror& mirror, EventHub& hub,
         WebMetrics& metrics)
    : config_(config),
      link_(link),
      mirror_(mirror),
      hub_(hub),
      metrics_(metrics),
      static_files_(config.static_dir) {}

void Api::handle(Request request, const std::shared_ptr<HttpSession>& session) {
  Responder reply(request, session, metrics_);
  const auto [path, query] = split_target(std_view(request.target()));
  const Route found = route(to_method(request.method()), path);
  switch (found.id) {
    case RouteId::kSubmitJob:
      return submit_job(request, std::move(reply));
    case RouteId::kListJobs:
      return list_jobs(std::move(reply));
    case RouteId::kGetJob:
      return get_job(found.job_id, std::move(reply));
    case RouteId::kCancelJob:
      return control_job("CANCEL", found.job_id, std::move(reply));
    case RouteId::kStopJob:
      return control_job("STOP", found.job_id, std::move(reply));
    case RouteId::kPauseJob:
      return control_job("PAUSE", found.job_id, std::move(reply));
    case RouteId::kResumeJob:
      return control_job("RESUME", found.job_id, std::move(reply));
    case RouteId::kPrioritizeJob:
      return prioritize_job(request, found.job_id, std::move(reply));
    case RouteId::kExtendJob:
      return extend_job(request, found.job_id, std::move(reply));
    case RouteId::kJobResults:
      return job_results(found.job_id, query, std::move(reply));
    case RouteId::kJobResultCsv:
      return result_csv(found.job_id, std::move(reply));
    case RouteId::kJobEvents:
      return open_stream(request, query, found.job_id, std::move(reply));
    case RouteId::kAllEvents:
      return open_stream(request, query, kAllStream, std::move(reply));
    case RouteId::kCluster:
      return reply.json(200, mirror_.cluster());
    case RouteId::kModels:
      return reply.json(200, models_document(mirror_.cluster()));
    case RouteId::kOpenApi:
      return reply.json(200, openapi_document());
    case RouteId::kHealth:
      return health(std::move(reply));
    case RouteId::kMetrics:
      return reply.send(200, metrics_.render(mirror_, hub_.viewers()), WebMetrics::kContentType);
    case RouteId::kStaticFile:
      return static_file(path, std::move(reply));
    case RouteId::kBadJobId:
      return reply.error(400, "id: must be a positive integer");
    case RouteId::kMethodNotAllowed:
      return reply.error(405, "method not allowed; allowed: " + found.allow,
                         {{"Allow", found.allow}});
    case RouteId::kNotFound:
      return reply.error(404, "no route " + std::string(path));
  }
}

void Api::submit_job(const Request& request, Responder reply) {
  auto spec = job_spec_from_body(request.body());
  if (!spec) return reply.error(400, spec.error().message);
  link_.request("SUBMIT", {{"spec", std::move(spec.value())}},
                [reply](Result<nlohmann::json> outcome) mutable {
                  if (!outcome) return reply.broker_error(outcome.error());
                  const auto id = outcome.value().value("job_id", std::uint64_t{0});
                  const std::string location = "/api/jobs/" + std::to_string(id);
                  reply.send(202, nlohmann::json{{"job_id", id}, {"location", location}}.dump(),
                             "application/json", {{"Location", location}});
                });
}

void Api::list_jobs(Responder reply) {
  if (!mirror_.synced())
    return reply.error(503, "not in sync with the broker yet", {{"Retry-After", "1"}});
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& [id, job] : mirror_.jobs()) jobs.push_back(job);
  reply.json(200, {{"jobs", std::move(jobs)}});
}

void Api::get_job(std::uint64_t job_id, Responder reply) {
  link_.request("STATUS", {{"job_id", job_id}}, [reply](Result<nlohmann::json> outcome) mutable {
    if (!outcome) return reply.broker_error(outcome.error());
    reply.json(200, job_resource(outcome.value()));
  });
}

void Api::prioritize_job(const Request& request, std::uint64_t job_id, Responder reply) {
  const auto body = nlohmann::json::parse(request.body(), nullptr, false);
  if (!body.is_object() || !body.contains("weight") || !body["weight"].is_number())
    return reply.error(400, "body: expected {\"weight\": a number in [0.01, 1000]}");
  control_job("PRIORITY", job_id, std::move(reply), {{"weight", body["weight"]}});
}

void Api::extend_job(const Request& request, std::uint64_t job_id, Responder reply) {
  const auto body = nlohmann::json::parse(request.body(), nullptr, false);
  if (!body.is_object())
    return reply.error(400, "body: expected {\"budget\": N, \"max_replications\": M} (either)");
  nlohmann::json fields = nlohmann::json::object();
  for (const char* key : {"budget", "max_replications"})
    if (body.contains(key)) fields[key] = body[key];  // the broker checks them
  control_job("EXTEND", job_id, std::move(reply), std::move(fields));
}

void Api::control_job(const char* command, std::uint64_t job_id, Responder reply,
                      nlohmann::json fields) {
  fields["job_id"] = job_id;
  link_.request(command, std::move(fields), [reply](Result<nlohmann::json> outcome) mutable {
    if (!outcome) return reply.broker_error(outcome.error());
    reply.json(200, outcome.value()["job"]);
  });
}

void Api::job_results(std::uint64_t job_id, std::string_view query, Responder reply) {
  auto offset = count_parameter(query, "offset", 0, 0, UINT64_MAX);
  if (!offset) return reply.error(400, "offset: must be a non-negative integer");
  auto limit = count_parameter(query, "limit", 1000, 1, kMaxResultsPage);
  if (!limit) return reply.error(400, "limit: must be an integer in 1..10000");
  link_.request("RESULTS", {{"job_id", job_id}, {"offset", *offset}, {"limit", *limit}},
                [reply](Result<nlohmann::json> outcome) mutable {
                  if (!outcome) return reply.broker_error(outcome.error());
                  nlohmann::json page = std::move(outcome.value());
                  page.erase("code");
                  page.erase("request_id");
                  reply.json(200, page);
                });
}

// Fetches RESULTS pages one after the other and answers with the whole CSV.
struct CsvDownload : std::enable_shared_from_this<CsvDownload> {
  BrokerLink& link;
  std::uint64_t job_id;
  Responder reply;
  std::string csv;

  CsvDownload(BrokerLink& broker, std::uint64_t id, Responder responder)
      : link(broker), job_id(id), reply(std::move(responder)) {}

  void fetch(std::uint64_t offset) {
    link.request("RESULTS", {{"job_id", job_id}, {"offset", offset}, {"limit", kMaxResultsPage}},
                 [self = shared_from_this(), offset](Result<nlohmann::json> page) {
                   self->on_page(offset, std::move(page));
                 });
  }

  void on_page(std::uint64_t offset, Result<nlohmann::json> page) {
    if (!page) return reply.broker_error(page.error());
    const auto& rows = page.value()["results"];
    if (!page.value().value("final", false)) {
      return reply.error(409, "job " + std::to_string(job_id) + " has not ended (state " +
                                  page.value().value("state", std::string("?")) + ")");
    }
    if (offset == 0) {
      csv = results_csv_header(rows.empty() ? nlohmann::json::object()
                                            : rows[0].value("params", nlohmann::json::object()));
    }
    csv += results_csv_rows(rows);
    const std::uint64_t next = offset + rows.size();
    if (!rows.empty() && next < page.value().value("systems", std::uint64_t{0})) return fetch(next);
    reply.send(200, std::move(csv), "text/csv; charset=utf-8",
               {{"Content-Disposition",
                 "attachment; filename=\"job-" + std::to_string(job_id) + "-results.csv\""}});
  }
};

void Api::result_csv(std::uint64_t job_id, Responder reply) {
  std::make_shared<CsvDownload>(link_, job_id, std::move(reply))->fetch(0);
}

void Api::open_stream(const Request& request, std::string_view query, std::uint64_t stream,
                      Responder reply) {
  if (hub_.viewers() >= config_.max_viewers)
    return reply.error(
        503, "too many viewers (web.max_viewers = " + std::to_string(config_.max_viewers) + ")",
        {{"Retry-After", "5"}});
  std::optional<std::uint64_t> last_id;
  auto header = request.find("Last-Event-ID");
  auto parameter = query_parameter(query, "last_event_id");
  if (header != request.end() || parameter) {
    const std::string_view text = header != request.end() ? std_view(header->value()) : *parameter;
    last_id = parse_event_id(text);
    if (!last_id) return reply.error(400, "last_event_id: must be a non-negative integer");
  }
  if (stream == kAllStream) {
    nlohmann::json jobs = nlohmann::json::array();
    for (const auto& [id, job] : mirror_.jobs()) jobs.push_back(job);
    return start_stream(stream, last_id, {{"jobs", jobs}, {"cluster", mirror_.cluster()}},
                        std::move(reply));
  }
  if (const nlohmann::json* job = mirror_.job(stream))
    return start_stream(stream, last_id, *job, std::move(reply));
  // Not in the mirror (yet): a job submitted a moment ago, or an unknown one.
  link_.request("STATUS", {{"job_id", stream}},
                [this, stream, last_id, reply](Result<nlohmann::json> outcome) mutable {
                  if (!outcome) return reply.broker_error(outcome.error());
                  start_stream(stream, last_id, outcome.value()["job"], std::move(reply));
                });
}

void Api::start_stream(std::uint64_t stream, std::optional<std::uint64_t> last_id,
                       const nlohmann::json& snapshot, Responder reply) {
  std::optional<std::vector<Frame>> catch_up;
  if (last_id) catch_up = hub_.replay(stream, *last_id);
  if (!catch_up) catch_up = std::vector<Frame>{hub_.snapshot(snapshot)};
  metrics_.count_response(200);
  auto session = std::make_shared<SseSession>(
      reply.session().take_stream(), hub_, stream, config_.sse_queue_events,
      config_.sse_send_buffer_bytes, [this] { metrics_.count_dropped_viewer(); });
  session->start(std::move(*catch_up));
}

void Api::health(Responder reply) {
  if (!mirror_.synced()) return reply.json(503, {{"status", "degraded"}, {"broker", "connecting"}});
  reply.json(200, {{"status", "ok"}, {"broker", "synced"}, {"seq", mirror_.seq()}});
}

void Api::static_file(std::string_view path, Responder reply) {
  auto file = static_files_.find(path);
  if (!file) return reply.error(404, "no file " + std::string(path));
  reply.send(200, std::move(file->body), file->content_type);
}

}  // namespace simsel::web
