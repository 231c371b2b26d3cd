// The broker's side of the client conversation (docs/PROTOCOL.md): SUBMIT, STATUS, LIST,
// CANCEL, STOP, PAUSE, RESUME, EXTEND, PRIORITY, SNAPSHOT and RESULTS, each answered with OK or
// ERROR carrying the request's request_id.
// A malformed request gets ERROR with a status code and a message naming the problem.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "broker/server/broker.h"
#include "common/models/model_catalog.h"
#include "common/protocol/client_requests.h"

namespace simsel {
namespace {

protocol::Document error_reply(int code, std::string message) {
  return {"ERROR", {{"code", code}, {"message", std::move(message)}}};
}

protocol::Document ok_reply(nlohmann::json body = nlohmann::json::object()) {
  body["code"] = protocol::kOk;
  return {"OK", std::move(body)};
}

// body.job_id of a request checked against its description (client_requests.h), which requires
// it. REQUIRES: the request has a job_id field.
std::uint64_t job_id_of(const nlohmann::json& body) {
  return body.at("job_id").get<std::uint64_t>();
}

// RESULTS.limit when absent (its range is in client_requests.cpp).
constexpr std::uint64_t kDefaultResultsLimit = 1000;

}  // namespace

void Broker::handle_client_frames(protocol::Frames& frames) {
  // [identity, payload] from a DEALER, [identity, "", payload] from a REQ.
  const bool delimited = frames.parts.size() == 3 && frames.parts[1].size() == 0;
  protocol::Document reply;
  std::string_view payload;
  if (frames.truncated || frames.parts.size() < 2 || frames.parts.size() > 3 ||
      (frames.parts.size() == 3 && !delimited)) {
    reply = error_reply(protocol::kBadMessage, "expected one message frame after the envelope");
  } else {
    payload = protocol::view(frames.parts.back());
    auto request = protocol::decode_document(payload);
    if (!request) {
      reply = error_reply(request.error().code, request.error().message);
    } else {
      try {
        reply = answer(request.value());
      } catch (const std::exception& e) {
        // A request must never take the loop down: whatever failed, say so and carry on.
        spdlog::error("client: {} failed: {}", request->command, e.what());
        reply = error_reply(protocol::kInternal, request->command + " failed: " + e.what());
      }
      if (auto id = request->body.find("request_id"); id != request->body.end())
        reply.body["request_id"] = *id;
    }
  }
  if (reply.command == "ERROR" && reply.body["code"] == protocol::kBadMessage) {
    spdlog::warn("client: protocol error: {}; message: {}",
                 reply.body["message"].get<std::string>(), protocol::printable_sample(payload));
  }
  const std::string encoded = protocol::encode(reply);
  try {
    // Non-blocking: a client that never reads its replies loses them, not the broker its loop.
    constexpr auto kMore = zmq::send_flags::sndmore | zmq::send_flags::dontwait;
    if (!clients_socket_.send(frames.parts[0], kMore)) return;
    if (delimited) (void)clients_socket_.send(zmq::message_t(), kMore);
    (void)clients_socket_.send(zmq::buffer(encoded), zmq::send_flags::dontwait);
  } catch (const zmq::error_t& e) {
    spdlog::debug("client: reply dropped: {}", e.what());
  }
}

// The dispatch table: each request of common/protocol/client_requests.h to its handler, which
// gets a body already checked against the request's description.
protocol::Document Broker::answer(const protocol::Document& request) {
  using Handler = protocol::Document (Broker::*)(const nlohmann::json&);
  static const std::map<std::string_view, Handler> kHandlers = {
      {"SUBMIT", &Broker::submit},     {"STATUS", &Broker::status},
      {"LIST", &Broker::list},         {"CANCEL", &Broker::cancel},
      {"STOP", &Broker::stop_job},     {"PAUSE", &Broker::pause},
      {"RESUME", &Broker::resume},     {"EXTEND", &Broker::extend},
      {"PRIORITY", &Broker::priority}, {"SNAPSHOT", &Broker::snapshot},
      {"RESULTS", &Broker::results}};
  const protocol::ClientRequest* described = protocol::find_client_request(request.command);
  const auto handler = kHandlers.find(request.command);
  if (described == nullptr || handler == kHandlers.end()) {
    std::string known;
    for (const auto& each : protocol::client_requests())
      known += (known.empty() ? "" : ", ") + std::string(each.command);
    return error_reply(protocol::kBadMessage,
                       "unknown client command \"" + request.command + "\" (known: " + known + ")");
  }
  if (Status checked = protocol::check_request(*described, request.body); !checked)
    return error_reply(checked.error().code, checked.error().message);
  return (this->*handler->second)(request.body);
}

protocol::Document Broker::cancel(const nlohmann::json& body) {
  return control(body, "CANCEL", [this](Job& job) {
    job.cancel(now());
    return Status(Ok{});
  });
}

protocol::Document Broker::stop_job(const nlohmann::json& body) {
  return control(body, "STOP", [this](Job& job) { return job.stop_now(now()); });
}

protocol::Document Broker::pause(const nlohmann::json& body) {
  return control(body, "PAUSE", [this](Job& job) { return job.pause(now()); });
}

protocol::Document Broker::resume(const nlohmann::json& body) {
  return control(body, "RESUME", [this](Job& job) {
    // Its pass stood still while paused: rejoin at the others', not with a catch-up burst.
    job.start_pass_at(std::max(job.pass(), entry_pass(job.id())));
    return job.resume(now());
  });
}

protocol::Document Broker::extend(const nlohmann::json& body) {
  return control(body, "EXTEND", [this, &body](Job& job) {
    return job.extend(protocol::uint_field(body, "budget"),
                      protocol::uint_field(body, "max_replications"), now());
  });
}

protocol::Document Broker::priority(const nlohmann::json& body) {
  return control(body, "PRIORITY", [this, &body](Job& job) {
    return job.set_priority(body["weight"].get<double>(), now());
  });
}

protocol::Document Broker::submit(const nlohmann::json& body) {
  const auto spec = body.find("spec");
  const nlohmann::json model_name = spec->value("model", nlohmann::json());
  const ModelDescriptor* model =
      model_name.is_string() ? model_descriptor(model_name.get<std::string>()) : nullptr;
  auto job = Job::create(next_job_id_, *spec, model, now());
  if (!job) {
    spdlog::info("job rejected: {}", job.error().message);
    return error_reply(job.error().code ? job.error().code : protocol::kInvalidSpec,
                       job.error().message);
  }
  const std::uint64_t id = next_job_id_++;
  Job& accepted = *job.value();
  store_.insert(id, accepted.spec().to_json(), accepted.document(now()));
  spdlog::info("job {} accepted: {} on {} systems of model {}", id, accepted.spec().procedure,
               accepted.document(now())["systems"].get<std::uint64_t>(), accepted.spec().model);
  job.value()->start_pass_at(entry_pass());
  jobs_[id] = std::move(job.value());
  update_waiting();
  job_changed(*jobs_[id]);
  return ok_reply({{"job_id", id}});
}

protocol::Document Broker::status(const nlohmann::json& body) {
  const std::uint64_t id = job_id_of(body);
  auto document = job_document(id);
  if (!document) return error_reply(protocol::kUnknownJob, "no job " + std::to_string(id));
  auto live = jobs_.find(id);
  nlohmann::json spec = live != jobs_.end() ? live->second->spec().to_json()
                                            : store_.load_spec(id).value_or(nullptr);
  return ok_reply({{"job", *document}, {"spec", std::move(spec)}});
}

protocol::Document Broker::list(const nlohmann::json&) {
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& [id, document] : retired_) jobs.push_back(document);
  for (const auto& [id, job] : jobs_) jobs.push_back(job->document(now()));
  return ok_reply({{"jobs", jobs}});
}

protocol::Document Broker::control(const nlohmann::json& body, const char* command,
                                   const std::function<Status(Job&)>& act) {
  const std::uint64_t id = job_id_of(body);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) {
    if (retired_.count(id))
      return error_reply(protocol::kConflict, "job " + std::to_string(id) + " has already ended");
    return error_reply(protocol::kUnknownJob, "no job " + std::to_string(id));
  }
  if (Status acted = act(*it->second); !acted)
    return error_reply(acted.error().code, acted.error().message);
  spdlog::info("job {}: {} by a client", id, command);
  job_changed(*it->second);
  checkpoint(id);  // a control acknowledged is a control kept, whenever the broker stops
  retire_if_final(id);
  return ok_reply({{"job", *job_document(id)}});
}

protocol::Document Broker::snapshot(const nlohmann::json& body) {
  nlohmann::json jobs = nlohmann::json::array();
  if (body.contains("job_id")) {
    const std::uint64_t id = job_id_of(body);
    auto document = job_document(id);
    if (!document) return error_reply(protocol::kUnknownJob, "no job " + std::to_string(id));
    jobs.push_back(*document);
  } else {
    jobs = list(body).body["jobs"];
  }
  return ok_reply({{"seq", seq_}, {"jobs", jobs}, {"cluster", cluster_document()}});
}

const SystemResults* Broker::stored_results(std::uint64_t job_id) {
  if (results_cache_ && results_cache_->job_id == job_id) return &results_cache_->results;
  auto results = store_.load_results(job_id);
  auto spec = store_.load_spec(job_id);
  if (!results || !spec || !spec->is_object()) return nullptr;
  auto systems = make_system_set(spec->value("model", std::string()),
                                 spec->value("systems", nlohmann::json()));
  if (!systems || systems.value()->size() != results->size()) return nullptr;
  results_cache_ = StoredResults{job_id, std::move(*results), std::move(systems.value())};
  return &results_cache_->results;
}

protocol::Document Broker::results(const nlohmann::json& body) {
  const std::uint64_t id = job_id_of(body);
  const std::uint64_t offset = body.value("offset", std::uint64_t{0});
  const std::uint64_t limit = body.value("limit", kDefaultResultsLimit);
  auto document = job_document(id);
  if (!document) return error_reply(protocol::kUnknownJob, "no job " + std::to_string(id));
  // A live job answers from its procedure; an ended one from the store.
  const auto live = jobs_.find(id);
  const SystemResults* stored = live == jobs_.end() ? stored_results(id) : nullptr;
  if (live == jobs_.end() && stored == nullptr)
    return error_reply(protocol::kUnknownJob, "job " + std::to_string(id) +
                                                  " has no per-system results (it ended before "
                                                  "the broker kept them)");
  const std::uint64_t systems = stored ? stored->size() : live->second->system_count();
  const std::uint64_t begin = std::min(offset, systems);
  const std::uint64_t end = std::min(systems, begin + limit);
  // `source` holds systems from `first` on: all of them when stored, the page when live.
  const SystemResults page = stored ? SystemResults{} : live->second->system_results(begin, end);
  const SystemResults& source = stored ? *stored : page;
  const std::uint64_t first = stored ? 0 : begin;
  const SystemSet* stored_systems = stored ? results_cache_->systems.get() : nullptr;
  nlohmann::json selected = nullptr;
  if (document->contains("best")) selected = (*document)["best"]["index"];
  nlohmann::json rows = nlohmann::json::array();
  for (std::uint64_t system = begin; system < end; ++system) {
    rows.push_back(
        {{"index", system},
         {"params", stored_systems ? stored_systems->params(system)
                                   : live->second->system_params(system)},
         {"replications", source.replications[system - first]},
         {"mean", source.mean[system - first]},
         {"stddev", source.stddev[system - first]},
         {"selected", selected == system}});
  }
  return ok_reply({{"job_id", id},
                   {"final", stored != nullptr},
                   {"state", (*document)["state"]},
                   {"systems", systems},
                   {"offset", begin},
                   {"selected", selected},
                   {"results", std::move(rows)}});
}

}  // namespace simsel
