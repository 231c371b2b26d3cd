// The broker's side of the client conversation (docs/PROTOCOL.md): SUBMIT, STATUS, LIST,
// CANCEL, STOP, PAUSE, RESUME, EXTEND, PRIORITY, SNAPSHOT and RESULTS, each answered with OK or
// ERROR carrying the request's request_id.
// A malformed request gets ERROR with a status code and a message naming the problem.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

#include "broker/server/broker.h"
#include "common/models/model_catalog.h"

namespace simsel {
namespace {

protocol::Document error_reply(int code, std::string message) {
  return {"ERROR", {{"code", code}, {"message", std::move(message)}}};
}

protocol::Document ok_reply(nlohmann::json body = nlohmann::json::object()) {
  body["code"] = protocol::kOk;
  return {"OK", std::move(body)};
}

// Reads body.job_id, which must be a non-negative integer.
std::optional<std::uint64_t> job_id_field(const nlohmann::json& body) {
  auto it = body.find("job_id");
  if (it == body.end() || !is_non_negative_integer(*it)) return std::nullopt;
  return it->get<std::uint64_t>();
}

// Reads body.<name> as an integer in [min, max]; absent gives `fallback`.
std::optional<std::uint64_t> count_field(const nlohmann::json& body, const char* name,
                                         std::uint64_t fallback, std::uint64_t min,
                                         std::uint64_t max) {
  auto it = body.find(name);
  if (it == body.end()) return fallback;
  if (!is_non_negative_integer(*it)) return std::nullopt;
  const auto value = it->get<std::uint64_t>();
  if (value < min || value > max) return std::nullopt;
  return value;
}

constexpr std::uint64_t kDefaultResultsLimit = 1000;
constexpr std::uint64_t kMaxResultsLimit = 10000;

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

protocol::Document Broker::answer(const protocol::Document& request) {
  const auto& command = request.command;
  if (command == "SUBMIT") return submit(request.body);
  if (command == "STATUS") return status(request.body);
  if (command == "LIST") return list();
  if (command == "CANCEL")
    return control(request.body, "CANCEL", [this](Job& job) {
      job.cancel(now());
      return Status(Ok{});
    });
  if (command == "STOP")
    return control(request.body, "STOP", [this](Job& job) { return job.stop_now(now()); });
  if (command == "PAUSE")
    return control(request.body, "PAUSE", [this](Job& job) { return job.pause(now()); });
  if (command == "RESUME")
    return control(request.body, "RESUME", [this](Job& job) {
      // Its pass stood still while paused: rejoin at the others', not with a catch-up burst.
      job.start_pass_at(std::max(job.pass(), entry_pass(job.id())));
      return job.resume(now());
    });
  if (command == "EXTEND")
    return control(request.body, "EXTEND",
                   [this, &request](Job& job) { return job.extend(request.body, now()); });
  if (command == "PRIORITY")
    return control(request.body, "PRIORITY", [this, &request](Job& job) {
      const auto weight = request.body.find("weight");
      if (weight == request.body.end() || !weight->is_number())
        return Status(
            make_error("PRIORITY.weight: missing or not a number", protocol::kBadMessage));
      return job.set_priority(weight->get<double>(), now());
    });
  if (command == "SNAPSHOT") return snapshot(request.body);
  if (command == "RESULTS") return results(request.body);
  return error_reply(protocol::kBadMessage,
                     "unknown client command \"" + command +
                         "\" (known: SUBMIT, STATUS, LIST, CANCEL, STOP, PAUSE, RESUME, EXTEND, "
                         "PRIORITY, SNAPSHOT, RESULTS)");
}

protocol::Document Broker::submit(const nlohmann::json& body) {
  auto spec = body.find("spec");
  if (spec == body.end() || !spec->is_object())
    return error_reply(protocol::kBadMessage, "SUBMIT.spec: missing or not a map");
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
  auto id = job_id_field(body);
  if (!id)
    return error_reply(protocol::kBadMessage, "STATUS.job_id: expected non-negative integer");
  auto document = job_document(*id);
  if (!document) return error_reply(protocol::kUnknownJob, "no job " + std::to_string(*id));
  auto live = jobs_.find(*id);
  nlohmann::json spec = live != jobs_.end() ? live->second->spec().to_json()
                                            : store_.load_spec(*id).value_or(nullptr);
  return ok_reply({{"job", *document}, {"spec", std::move(spec)}});
}

protocol::Document Broker::list() {
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& [id, document] : retired_) jobs.push_back(document);
  for (const auto& [id, job] : jobs_) jobs.push_back(job->document(now()));
  return ok_reply({{"jobs", jobs}});
}

protocol::Document Broker::control(const nlohmann::json& body, const char* command,
                                   const std::function<Status(Job&)>& act) {
  auto id = job_id_field(body);
  if (!id)
    return error_reply(protocol::kBadMessage,
                       std::string(command) + ".job_id: expected non-negative integer");
  auto it = jobs_.find(*id);
  if (it == jobs_.end()) {
    if (retired_.count(*id))
      return error_reply(protocol::kConflict, "job " + std::to_string(*id) + " has already ended");
    return error_reply(protocol::kUnknownJob, "no job " + std::to_string(*id));
  }
  if (Status acted = act(*it->second); !acted)
    return error_reply(acted.error().code, acted.error().message);
  spdlog::info("job {}: {} by a client", *id, command);
  job_changed(*it->second);
  checkpoint(*id);  // a control acknowledged is a control kept, whenever the broker stops
  retire_if_final(*id);
  return ok_reply({{"job", *job_document(*id)}});
}

protocol::Document Broker::snapshot(const nlohmann::json& body) {
  nlohmann::json jobs = nlohmann::json::array();
  if (body.contains("job_id")) {
    auto id = job_id_field(body);
    if (!id)
      return error_reply(protocol::kBadMessage, "SNAPSHOT.job_id: expected non-negative integer");
    auto document = job_document(*id);
    if (!document) return error_reply(protocol::kUnknownJob, "no job " + std::to_string(*id));
    jobs.push_back(*document);
  } else {
    jobs = list().body["jobs"];
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
  auto id = job_id_field(body);
  if (!id)
    return error_reply(protocol::kBadMessage, "RESULTS.job_id: expected non-negative integer");
  auto offset = count_field(body, "offset", 0, 0, std::numeric_limits<std::uint64_t>::max());
  if (!offset)
    return error_reply(protocol::kBadMessage, "RESULTS.offset: expected non-negative integer");
  auto limit = count_field(body, "limit", kDefaultResultsLimit, 1, kMaxResultsLimit);
  if (!limit)
    return error_reply(protocol::kBadMessage,
                       "RESULTS.limit: expected integer in 1.." + std::to_string(kMaxResultsLimit));
  auto document = job_document(*id);
  if (!document) return error_reply(protocol::kUnknownJob, "no job " + std::to_string(*id));
  // A live job answers from its procedure; an ended one from the store.
  const auto live = jobs_.find(*id);
  const SystemResults* stored = live == jobs_.end() ? stored_results(*id) : nullptr;
  if (live == jobs_.end() && stored == nullptr)
    return error_reply(protocol::kUnknownJob, "job " + std::to_string(*id) +
                                                  " has no per-system results (it ended before "
                                                  "the broker kept them)");
  const std::uint64_t systems = stored ? stored->size() : live->second->system_count();
  const std::uint64_t begin = std::min(*offset, systems);
  const std::uint64_t end = std::min(systems, begin + *limit);
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
  return ok_reply({{"job_id", *id},
                   {"final", stored != nullptr},
                   {"state", (*document)["state"]},
                   {"systems", systems},
                   {"offset", begin},
                   {"selected", selected},
                   {"results", std::move(rows)}});
}

}  // namespace simsel
