// See broker.h. This file holds the loop, the tick, dispatching and publishing; the two
// conversations are in worker_conversation.cpp and client_conversation.cpp.
#include "broker/server/broker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace simsel {
namespace {

// Messages handled per socket per loop turn, so neither side can starve the other.
constexpr int kBatchPerTurn = 256;

void configure_router(zmq::socket_t& socket, const BrokerConfig& config) {
  socket.set(zmq::sockopt::router_mandatory, 1);
  socket.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(config.max_message_bytes));
  socket.set(zmq::sockopt::sndhwm, 100'000);
  socket.set(zmq::sockopt::rcvhwm, 100'000);
  socket.set(zmq::sockopt::linger, 0);
}

}  // namespace

Broker::Broker(zmq::context_t& context, BrokerConfig config)
    : config_(std::move(config)),
      data_dir_lock_(config_.data_dir),
      store_(config_.data_dir / "simsel.sqlite"),
      workers_socket_(context, zmq::socket_type::router),
      clients_socket_(context, zmq::socket_type::router),
      stats_socket_(context, zmq::socket_type::pub) {
  seq_ = static_cast<std::uint64_t>(now() * 1e6);
  configure_router(workers_socket_, config_);
  configure_router(clients_socket_, config_);
  stats_socket_.set(zmq::sockopt::sndhwm, 100'000);
  stats_socket_.set(zmq::sockopt::linger, 0);
  worker_endpoint_ = protocol::bind_resolved(workers_socket_, config_.worker_endpoint);
  client_endpoint_ = protocol::bind_resolved(clients_socket_, config_.client_endpoint);
  stats_endpoint_ = protocol::bind_resolved(stats_socket_, config_.stats_endpoint);

  for (auto& stored : store_.load_all()) {
    if (stored.state == "queued" || stored.state == "running")
      resume_interrupted(stored);
    else
      retired_[stored.job_id] = std::move(stored.document);
  }
  next_job_id_ = store_.max_job_id() + 1;
  spdlog::info("broker: workers on {}, clients on {}, stats on {}, {} stored jobs, {} resumed",
               worker_endpoint_, client_endpoint_, stats_endpoint_, retired_.size() + jobs_.size(),
               jobs_.size());
}

// A job that was queued or running when the broker stopped: made again from its spec and, from
// its checkpoints, brought back to the state it had at the last one (Job::restore). Work done
// after that checkpoint is simulated again; the answer is the same (fixed streams).
void Broker::resume_interrupted(StoredJob& stored) {
  const std::uint64_t id = stored.job_id;
  const auto give_up = [&](const std::string& why) {
    spdlog::error("job {}: cannot resume: {}", id, why);
    stored.document["state"] = "failed";
    stored.document["error"] = "could not resume after a broker restart: " + why;
    store_.update(id, "failed", stored.document);
    store_.delete_checkpoints(id);
    retired_[id] = std::move(stored.document);
  };
  const std::string model = stored.spec.value("model", std::string());
  const double submitted_at = stored.document.value("submitted_at", now());
  auto job = Job::create(id, stored.spec, model_descriptor(model), submitted_at);
  if (!job) return give_up(job.error().message);
  if (auto source = store_.replay_source(id)) {
    const std::size_t segments = source->segments;
    if (Status restored = job.value()->restore(std::move(*source), now()); !restored)
      return give_up(restored.error().message);
    spdlog::info("job {}: resumed from {} log segments, {} replications consumed", id, segments,
                 job.value()->document(now())["total_replications"].get<std::uint64_t>());
  }
  job.value()->start_pass_at(entry_pass());
  jobs_[id] = std::move(job.value());
  job_changed(*jobs_[id]);
  retire_if_final(id);  // it may have ended on the outputs checkpointed last
}

void Broker::checkpoint(std::optional<std::uint64_t> only, std::size_t min_log_bytes) {
  for (auto& [id, job] : jobs_) {
    if ((only && id != *only) || is_final(job->state()) || !job->checkpoint_due() ||
        job->log_bytes() < min_log_bytes)
      continue;
    const double started = steady();
    const Job::Checkpoint checkpoint = job->take_checkpoint();
    try {
      store_.append_checkpoint(id, checkpoint);
    } catch (const std::exception& e) {
      // The records are lost to a resume; the job goes on (a resume would fail saying so).
      spdlog::error("job {}: could not write a checkpoint: {}", id, e.what());
    }
    job->add_checkpoint_seconds(steady() - started);
  }
}

double Broker::now() const {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

double Broker::steady() const {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

void Broker::run() {
  const double tick_seconds = std::min(0.05, 0.5 / config_.publish_hz);
  last_tick_ = last_accrual_ = last_checkpoint_ = steady();
  zmq::pollitem_t items[] = {{workers_socket_.handle(), 0, ZMQ_POLLIN, 0},
                             {clients_socket_.handle(), 0, ZMQ_POLLIN, 0}};
  while (!stopping_) {
    const double wait = std::max(0.0, last_tick_ + tick_seconds - steady());
    protocol::poll_interruptible(items, 2,
                                 std::chrono::milliseconds(static_cast<long>(wait * 1000) + 1));
    for (int i = 0; i < kBatchPerTurn; ++i) {
      auto frames = protocol::receive_frames(workers_socket_);
      if (!frames) break;
      handle_worker_frames(*frames);
    }
    for (int i = 0; i < kBatchPerTurn; ++i) {
      auto frames = protocol::receive_frames(clients_socket_);
      if (!frames) break;
      handle_client_frames(*frames);
    }
    advance_jobs();
    dispatch();
    if (steady() >= last_tick_ + tick_seconds) tick();
  }
  checkpoint();  // a stop (SIGTERM) loses no work: the next broker resumes from here
  publish_due(true);
  spdlog::info("broker: stopped");
}

// The next task for `worker` of a job whose model it runs.
// Weighted fair share by stride scheduling: each job has a virtual time, `pass`, advanced by
// the estimated compute seconds of every task it gets divided by its priority weight; the next
// task goes to the job with the smallest pass that has work this worker can run. With equal
// weights this is a fair share of compute time (tasks are sized by time, so nearly round
// robin); with weights 3 and 1, a 3:1 share while both have work. A job joins at the smallest
// pass of the others, so it gets its share from then on, not a catch-up burst.
std::optional<protocol::Task> Broker::next_task_fair_share(const WorkerSession& worker,
                                                           std::uint64_t slots) {
  std::vector<Job*>& order = fair_share_order_;  // reused: this runs once per task dispatched
  order.clear();
  for (auto& [id, job] : jobs_)
    if (worker.models.count(job->spec().model)) order.push_back(job.get());
  std::sort(order.begin(), order.end(), [](const Job* a, const Job* b) {
    return a->pass() != b->pass() ? a->pass() < b->pass() : a->id() < b->id();
  });
  for (Job* job : order) {
    const std::uint64_t cells =
        job->cells_per_task(config_.task_target_ms * 1e-3, config_.max_task_replications);
    // Enough work handed out to keep every slot busy twice over, and no more: the rest would
    // be speculation the procedure may never use.
    const std::uint64_t max_outstanding = cells * std::max<std::uint64_t>(slots, 1) * 2;
    if (auto task = job->next_task(next_task_id_, cells, max_outstanding)) {
      ++next_task_id_;
      job->charge(static_cast<double>(task->replication_count()) * job->seconds_per_cell());
      return task;
    }
  }
  return std::nullopt;
}

// The pass a job (re)joins the fair share at: the smallest of the other live jobs', or 0.
double Broker::entry_pass(std::uint64_t joining) const {
  double smallest = 0;
  bool any = false;
  for (const auto& [id, job] : jobs_) {
    if (is_final(job->state()) || job->paused() || id == joining) continue;
    smallest = any ? std::min(smallest, job->pass()) : job->pass();
    any = true;
  }
  return smallest;
}

void Broker::dispatch() {
  const std::uint64_t slots = workers_.total_slots();
  bool work_left = true;
  while (work_left) {
    work_left = false;
    // One task per worker per pass, so tasks spread over workers instead of filling the first.
    for (auto& [identity, worker] : workers_.sessions()) {
      if (worker.free_credit() == 0) continue;
      auto task = next_task_fair_share(worker, slots);
      if (!task) continue;  // nothing this worker runs; others may run other models
      work_left = true;
      Job& job = *jobs_.at(task->job_id);
      if (!worker.known_jobs.count(job.id())) {
        send_to_worker(worker, job.definition());
        worker.known_jobs.insert(job.id());
      }
      worker.in_flight.insert(task->task_id);
      const std::uint64_t task_id = task->task_id;
      in_flight_[task_id] = InFlight{std::move(*task), identity};
      send_to_worker(worker, in_flight_[task_id].task);
      job_changed(job);
      if (!dispatched_any_) {
        dispatched_any_ = true;
        spdlog::info("broker: first task dispatched {:.0f} ms after start",
                     (steady() - started_at_) * 1000);
      }
    }
  }
}

void Broker::advance_jobs() {
  const double wall = now();
  std::vector<std::uint64_t> ended;
  for (auto& [id, job] : jobs_) {
    job->advance(wall);
    if (is_final(job->state())) ended.push_back(id);
  }
  for (auto id : ended) retire_if_final(id);
}

void Broker::accrue_capacity() {
  const double moment = steady();
  const double capacity = (moment - last_accrual_) * workers_.total_slots();
  last_accrual_ = moment;
  for (auto& [id, job] : jobs_) {
    // Jobs that ended this turn are still here and get their last slice.
    // A paused job is not offered the slots, so they do not count against its utilization.
    if (job->state() != JobState::kQueued && !job->paused()) job->add_capacity(capacity);
  }
}

void Broker::tick() {
  const double moment = steady();
  last_tick_ = moment;
  const double heartbeat = config_.heartbeat_ms * 1e-3;
  std::vector<std::string> silent;
  for (auto& [identity, worker] : workers_.sessions()) {
    if (moment - worker.last_heard > heartbeat * config_.liveness)
      silent.push_back(identity);
    else if (moment - worker.last_sent >= heartbeat)
      send_to_worker(worker, protocol::Heartbeat{});
  }
  for (const auto& identity : silent) expire(identity, "silent for too long");

  accrue_capacity();
  const double wall = now();
  std::vector<std::uint64_t> ended;
  for (auto& [id, job] : jobs_) {
    job->check_limits(wall);
    if (is_final(job->state())) ended.push_back(id);
  }
  for (auto id : ended) retire_if_final(id);
  // A job whose log grows fast (cheap replications: 64 MB/s for 10^6 normal systems) writes it
  // out in pieces of about kLogFlushBytes between checkpoints, so it never holds much of it.
  constexpr std::size_t kLogFlushBytes = 8 << 20;
  const bool checkpoints_due = moment - last_checkpoint_ >= config_.checkpoint_interval_ms * 1e-3;
  if (checkpoints_due) last_checkpoint_ = moment;
  checkpoint(std::nullopt, checkpoints_due ? 0 : kLogFlushBytes);
  publish_due(false);
}

// Tells every live job whether some live worker runs its model (shown in its document).
void Broker::update_waiting() {
  for (auto& [id, job] : jobs_) {
    const std::string& model = job->spec().model;
    bool offered = false;
    for (const auto& [identity, worker] : workers_.sessions())
      offered = offered || worker.models.count(model) > 0;
    job->set_waiting(offered ? "" : "waiting for a worker that offers model '" + model + "'");
  }
}

void Broker::job_changed(Job& job) {
  if (!next_publish_.count(job.id())) next_publish_[job.id()] = 0;
}

// One log line whenever a published job document shows a new stage or round: the job's
// timeline (for example the time per KT or GSP round) can be read from the log. Stages shorter
// than the publishing interval show up merged with the next one.
void Broker::log_stage_change(std::uint64_t job_id, const nlohmann::json& document) {
  const nlohmann::json& progress = document["progress"];
  std::string stage = progress["stage"].get<std::string>();
  if (progress["rounds"].get<std::uint64_t>() > 0) {
    stage += " round " + progress["round"].dump() + " of " + progress["rounds"].dump();
  }
  std::string& logged = logged_stages_[job_id];
  if (stage == logged) return;
  logged = stage;
  spdlog::info("job {}: {} at {:.2f} s, {} replications, {} survivors", job_id, stage,
               document["wall_seconds"].get<double>(),
               document["total_replications"].get<std::uint64_t>(),
               progress["survivors"].get<std::uint64_t>());
}

// A job's document costs O(systems in contention) to build (its leaders): about 15 ms for a KT
// job of 10^6 systems. Spacing its STATS by at least kPublishCostFactor times that cost keeps
// publishing under 5% of the loop, whatever the job's size; small jobs keep publish_hz.
void Broker::publish_due(bool force_all) {
  constexpr double kPublishCostFactor = 20;
  const double moment = steady();
  const double interval = 1.0 / config_.publish_hz;
  const double wall = now();
  for (auto& [id, job] : jobs_) {
    double& next = next_publish_[id];
    if (!force_all && moment < next) continue;
    job->sample_rate(moment);
    nlohmann::json document = job->document(wall);
    next = moment + std::max(interval, kPublishCostFactor * (steady() - moment));
    log_stage_change(id, document);
    publish("job/" + std::to_string(id), "STATS", document);
  }
  if (force_all || moment - last_cluster_publish_ >= 1.0) {
    last_cluster_publish_ = moment;
    publish("cluster", "CLUSTER", cluster_document());
  }
}

void Broker::publish(const std::string& topic, const std::string& command, nlohmann::json body) {
  using namespace std::chrono;
  body["seq"] = ++seq_;
  // Wall clock in microseconds, so a subscriber can measure delivery latency end to end.
  body["published_at"] = static_cast<std::uint64_t>(
      duration_cast<microseconds>(system_clock::now().time_since_epoch()).count());
  const std::string payload = protocol::encode(protocol::Document{command, std::move(body)});
  stats_socket_.send(zmq::buffer(topic), zmq::send_flags::sndmore);
  stats_socket_.send(zmq::buffer(payload), zmq::send_flags::none);
}

void Broker::retire_if_final(std::uint64_t job_id) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end() || !is_final(it->second->state())) return;
  Job& job = *it->second;
  accrue_capacity();
  job.sample_rate(steady());
  nlohmann::json document = job.document(now());
  try {
    store_.update(job_id, std::string(to_string(job.state())), document);
  } catch (const std::exception& e) {
    spdlog::error("job {}: could not store its final state: {}", job_id, e.what());
  }
  spdlog::info("job {}: {} after {} replications{}", job_id, to_string(job.state()),
               document.value("total_replications", std::uint64_t{0}),
               document.contains("error") ? " (" + document["error"].get<std::string>() + ")" : "");
  try {
    store_.save_results(job_id, job.system_results(0, job.system_count()));
  } catch (const std::exception& e) {
    spdlog::error("job {}: could not store its per-system results: {}", job_id, e.what());
  }
  try {
    store_.delete_checkpoints(job_id);
  } catch (const std::exception& e) {
    spdlog::error("job {}: could not drop its checkpoints: {}", job_id, e.what());
  }
  publish("job/" + std::to_string(job_id), "STATS", document);
  retired_[job_id] = std::move(document);
  next_publish_.erase(job_id);
  logged_stages_.erase(job_id);
  jobs_.erase(it);  // frees samples and procedure state; late results find no job and are dropped
}

std::optional<nlohmann::json> Broker::job_document(std::uint64_t job_id) const {
  if (auto it = jobs_.find(job_id); it != jobs_.end()) return it->second->document(now());
  if (auto it = retired_.find(job_id); it != retired_.end()) return it->second;
  return std::nullopt;
}

nlohmann::json Broker::cluster_document() const {
  nlohmann::json workers = nlohmann::json::array();
  std::uint64_t busy = 0;
  const double moment = steady();
  for (const auto& [identity, worker] : workers_.sessions()) {
    busy += std::min<std::uint64_t>(worker.in_flight.size(), worker.slots);
    workers.push_back(
        {{"name", worker.name},
         {"slots", worker.slots},
         {"models", worker.models},
         {"in_flight", worker.in_flight.size()},
         {"replications_done", worker.replications_done},
         {"last_seen_ms", static_cast<std::uint64_t>((moment - worker.last_heard) * 1000)}});
  }
  // The models users brought that some live worker runs, for the web front's model list.
  nlohmann::json models = nlohmann::json::array();
  for (const auto& [name, model] : offered_models_) {
    std::uint64_t offering = 0;
    for (const auto& [identity, worker] : workers_.sessions()) offering += worker.models.count(name);
    if (offering == 0) continue;
    nlohmann::json described = model.to_json();
    described["workers"] = offering;
    models.push_back(std::move(described));
  }
  return {{"workers", workers},
          {"models", std::move(models)},
          {"slots", workers_.total_slots()},
          {"busy", busy},
          {"jobs_active", jobs_.size()},
          {"tasks_dispatched", next_task_id_ - 1},
          {"replications_done", replications_done_}};
}

}  // namespace simsel
