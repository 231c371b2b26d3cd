// Api: simsel-web's request handler — the routes of docs/HTTP_API.md. REST routes about jobs
// go to the broker through the BrokerLink (GET /api/jobs and the cluster are answered from the
// StateMirror); event streams are opened on the EventHub; other paths are static files.
// Every error is {"error": "..."} with the status of docs/HTTP_API.md. io thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/config/config.h"
#include "frontend/server/broker_link.h"
#include "frontend/server/event_hub.h"
#include "frontend/server/http_session.h"
#include "frontend/server/metrics.h"
#include "frontend/server/routes.h"
#include "frontend/server/state_mirror.h"
#include "frontend/server/static_files.h"

namespace simsel::web {

// Answers one request: remembers what the response needs (HTTP version, keep-alive) and counts
// it in the metrics.
class Responder {
 public:
  Responder(const Request& request, std::shared_ptr<HttpSession> session, WebMetrics& metrics)
      : version_(request.version()),
        keep_alive_(request.keep_alive()),
        session_(std::move(session)),
        metrics_(metrics) {}

  void send(unsigned status, std::string body, std::string_view content_type = "application/json",
            std::initializer_list<std::pair<std::string_view, std::string>> headers = {});
  void json(unsigned status, const nlohmann::json& body) { send(status, body.dump()); }
  void error(unsigned status, std::string_view message,
             std::initializer_list<std::pair<std::string_view, std::string>> headers = {});
  // The status of a failed broker request (docs/HTTP_API.md): 404, 409, 400, 502 or 503.
  void broker_error(const Error& error);

  HttpSession& session() { return *session_; }

 private:
  unsigned version_;
  bool keep_alive_;
  std::shared_ptr<HttpSession> session_;
  WebMetrics& metrics_;
};

class Api final : public RequestHandler {
 public:
  Api(const WebConfig& config, BrokerLink& link, const StateMirror& mirror, EventHub& hub,
      WebMetrics& metrics);

  void handle(Request request, const std::shared_ptr<HttpSession>& session) override;

 private:
  void submit_job(const Request& request, Responder reply);
  void list_jobs(Responder reply);
  void get_job(std::uint64_t job_id, Responder reply);
  // CANCEL, STOP, PAUSE, RESUME, EXTEND or PRIORITY of docs/PROTOCOL.md, with `fields` besides the
  // job id; answers the job's document.
  void control_job(const char* command, std::uint64_t job_id, Responder reply,
                   nlohmann::json fields = nlohmann::json::object());
  void prioritize_job(const Request& request, std::uint64_t job_id, Responder reply);
  void extend_job(const Request& request, std::uint64_t job_id, Responder reply);
  void job_results(std::uint64_t job_id, std::string_view query, Responder reply);
  void result_csv(std::uint64_t job_id, Responder reply);
  void open_stream(const Request& request, std::string_view query, std::uint64_t stream,
                   Responder reply);
  void start_stream(std::uint64_t stream, std::optional<std::uint64_t> last_id,
                    const nlohmann::json& snapshot, Responder reply);
  void health(Responder reply);
  void static_file(std::string_view path, Responder reply);

  const WebConfig& config_;
  BrokerLink& link_;
  const StateMirror& mirror_;
  EventHub& hub_;
  WebMetrics& metrics_;
  StaticFiles static_files_;
};

}  // namespace simsel::web
