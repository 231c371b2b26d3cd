// The broker's side of the worker conversation (docs/PROTOCOL.md): READY, RESULT, FAIL,
// HEARTBEAT, DISCONNECT in; JOB, TASK, HEARTBEAT, DISCONNECT out. A malformed or unexpected
// message gets DISCONNECT with the reason, its sender is expired (its tasks requeued), a
// printable sample is logged, and the loop carries on.
#include <spdlog/fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <cmath>

#include "broker/server/broker.h"
#include "common/models/model_catalog.h"

namespace simsel {

void Broker::handle_worker_frames(protocol::Frames& frames) {
  const std::string identity(protocol::view(frames.parts[0]));
  if (frames.parts.size() != 2 || frames.truncated) {
    spdlog::warn("worker {}: protocol error: expected one frame after the identity, got {}",
                 protocol::printable_sample(identity, 16), frames.parts.size() - 1);
    return disconnect(identity, "expected exactly one message frame");
  }
  const std::string_view payload = protocol::view(frames.parts[1]);
  auto message = protocol::decode_worker_message(payload);
  WorkerSession* worker = workers_.find(identity);
  if (worker != nullptr) worker->last_heard = steady();
  if (!message) {
    spdlog::warn("worker {}: protocol error: {}; message: {}",
                 worker ? worker->name : protocol::printable_sample(identity, 16),
                 message.error().message, protocol::printable_sample(payload));
    return disconnect(identity, message.error().message);
  }
  handle_worker_message(worker, identity, message.value());
}

void Broker::handle_worker_message(WorkerSession* worker, const std::string& identity,
                                   protocol::WorkerMessage& message) {
  if (auto* ready = std::get_if<protocol::Ready>(&message)) {
    if (worker != nullptr) return disconnect(identity, "READY from a worker already registered");
    return on_ready(identity, *ready);
  }
  if (worker == nullptr) {
    if (std::holds_alternative<protocol::Disconnect>(message)) return;
    return disconnect(identity, "not registered: send READY first");
  }
  if (auto* result = std::get_if<protocol::TaskResult>(&message))
    return on_result(*worker, *result);
  if (auto* failed = std::get_if<protocol::TaskFailed>(&message))
    return on_failed(*worker, *failed);
  if (std::holds_alternative<protocol::Heartbeat>(message)) return;
  if (auto* goodbye = std::get_if<protocol::Disconnect>(&message)) {
    WorkerSession& leaving = *worker;
    spdlog::info("worker {} left: {}", leaving.name, goodbye->reason);
    return expire(identity, "said goodbye: " + goodbye->reason);
  }
  // JOB and TASK only ever travel from the broker to a worker.
  disconnect(identity, std::string("unexpected command ") +
                           std::string(protocol::command_name(message)) + " from a worker");
}

void Broker::on_ready(const std::string& identity, protocol::Ready& ready) {
  accrue_capacity();  // the slot count changes: close the slice at the old count
  WorkerSession session;
  session.identity = identity;
  session.name = ready.name;
  session.slots = ready.slots;
  session.models = accept_models(ready.name, ready.models);
  session.credit_limit = ready.slots + config_.prefetch;
  session.last_heard = session.last_sent = steady();
  WorkerSession& added = workers_.add(std::move(session));
  spdlog::info("worker {} joined with {} slots and models {} (total {} slots on {} workers)",
               added.name, added.slots, fmt::join(added.models, ", "), workers_.total_slots(),
               workers_.size());
  bind_waiting_jobs(added);
}

const ModelDescriptor* Broker::model_descriptor(const std::string& name) const {
  if (const ModelDescriptor* builtin = find_builtin_model(name)) return builtin;
  const auto offered = offered_models_.find(name);
  return offered == offered_models_.end() ? nullptr : &offered->second;
}

// The models a joining worker will be given tasks of. The first worker to offer a model defines
// it for the broker's lifetime; a later worker describing it otherwise (another version of the
// model, another schema) gets none of its tasks: outputs of two different models must never be
// mixed in one job.
std::set<std::string> Broker::accept_models(const std::string& worker_name,
                                            const std::vector<ModelDescriptor>& models) {
  std::set<std::string> accepted;
  for (const ModelDescriptor& model : models) {
    if (find_builtin_model(model.name) == nullptr) {  // built-ins are described in common/models
      const auto [known, added] = offered_models_.try_emplace(model.name, model);
      if (!added && known->second.to_json() != model.to_json()) {
        spdlog::warn("worker {} describes model {} differently from the worker that first "
                     "offered it; it gets no task of that model. First: {}; this worker: {}",
                     worker_name, model.name, known->second.to_json().dump(),
                     model.to_json().dump());
        continue;
      }
    }
    accepted.insert(model.name);
  }
  return accepted;
}

// Binds the jobs that waited for a model the joining worker offers.
void Broker::bind_waiting_jobs(const WorkerSession& worker) {
  const double wall = now();
  std::vector<std::uint64_t> ended;
  for (auto& [id, job] : jobs_) {
    if (job->bound() || !worker.models.count(job->spec().model)) continue;
    job->bind(*model_descriptor(job->spec().model), wall);
    if (is_final(job->state())) ended.push_back(id);
    spdlog::info("job {}: model {} offered by worker {}; {}", id, job->spec().model, worker.name,
                 is_final(job->state()) ? "the job failed: " + job->document(wall).value("error", std::string())
                                        : std::string("the job can start"));
    job_changed(*job);
  }
  for (auto id : ended) retire_if_final(id);
  update_waiting();
}

void Broker::on_result(WorkerSession& worker, const protocol::TaskResult& result) {
  auto it = in_flight_.find(result.task_id);
  if (it == in_flight_.end()) {
    spdlog::debug("worker {}: result of task {} dropped (already done or requeued)", worker.name,
                  result.task_id);
    return;
  }
  const protocol::Task& task = it->second.task;
  if (result.job_id != task.job_id || result.values.size() != task.replication_count()) {
    return disconnect(worker.identity, "RESULT does not match task " +
                                           std::to_string(task.task_id) + ": expected job " +
                                           std::to_string(task.job_id) + " and " +
                                           std::to_string(task.replication_count()) + " values");
  }
  InFlight done = std::move(it->second);
  in_flight_.erase(it);
  if (WorkerSession* holder = workers_.find(done.worker)) holder->in_flight.erase(result.task_id);
  worker.replications_done += done.task.replication_count();
  replications_done_ += done.task.replication_count();

  auto job = jobs_.find(done.task.job_id);
  if (job == jobs_.end()) return;  // the job ended meanwhile
  for (std::size_t i = 0; i < result.values.size(); ++i) {
    if (!std::isfinite(result.values[i])) {
      job->second->fail("the model returned a non-finite output (task " +
                            std::to_string(result.task_id) + ", value " + std::to_string(i) + ")",
                        now());
      return retire_if_final(done.task.job_id);
    }
  }
  job->second->on_result(done.task, result);
}

void Broker::on_failed(WorkerSession& worker, const protocol::TaskFailed& failed) {
  auto it = in_flight_.find(failed.task_id);
  if (it == in_flight_.end()) return;
  if (it->second.task.job_id != failed.job_id)
    return disconnect(worker.identity, "FAIL does not match task " + std::to_string(failed.task_id) +
                                           ": expected job " + std::to_string(it->second.task.job_id));
  InFlight lost = std::move(it->second);
  in_flight_.erase(it);
  if (WorkerSession* holder = workers_.find(lost.worker)) holder->in_flight.erase(failed.task_id);
  auto job = jobs_.find(lost.task.job_id);
  if (job == jobs_.end()) return;
  if (failed.code == protocol::kUnknownJob) {
    // The worker forgot the job (or reconnected): resend JOB with its next task of this job.
    worker.known_jobs.erase(lost.task.job_id);
    job->second->on_lost(lost.task);
    return;
  }
  spdlog::warn("worker {}: task {} of job {} failed: {}", worker.name, failed.task_id,
               lost.task.job_id, failed.message);
  if (failed.code == protocol::kModelFailed) {
    // A crash or a hang may be the host's or the moment's: the task is tried again.
    job->second->on_model_failure(lost.task, "worker " + worker.name + ": " + failed.message, now());
    retire_if_final(lost.task.job_id);
    return;
  }
  job->second->fail("worker " + worker.name + ": " + failed.message, now());
  retire_if_final(lost.task.job_id);
}

void Broker::send_to_worker(WorkerSession& worker, const protocol::WorkerMessage& message) {
  try {
    if (!protocol::send_routed(workers_socket_, worker.identity, protocol::encode(message)))
      spdlog::warn("worker {}: its queue is full; message dropped (it will be expired if stuck)", worker.name);
    worker.last_sent = steady();
  } catch (const zmq::error_t& e) {
    // EHOSTUNREACH: the peer is gone (ROUTER_MANDATORY); the tick will expire it.
    spdlog::debug("worker {}: send failed: {}", worker.name, e.what());
  }
}

void Broker::disconnect(const std::string& identity, const std::string& reason) {
  try {
    (void)protocol::send_routed(workers_socket_, identity,
                                protocol::encode(protocol::Disconnect{reason}));
  } catch (const zmq::error_t&) {
    // The peer is already gone; nothing to tell it.
  }
  expire(identity, "disconnected: " + reason);
}

void Broker::expire(const std::string& identity, const std::string& why) {
  WorkerSession* worker = workers_.find(identity);
  if (worker == nullptr) return;
  accrue_capacity();
  const std::string name = worker->name;
  std::size_t requeued = 0;
  for (auto task_id : workers_.remove(identity)) {
    auto it = in_flight_.find(task_id);
    if (it == in_flight_.end()) continue;
    if (auto job = jobs_.find(it->second.task.job_id); job != jobs_.end()) {
      job->second->on_lost(it->second.task);
      ++requeued;
    }
    in_flight_.erase(it);
  }
  spdlog::log(requeued ? spdlog::level::warn : spdlog::level::info,
              "worker {} removed ({}); {} tasks requeued; {} workers left", name, why, requeued,
              workers_.size());
  update_waiting();
}

}  // namespace simsel
