// Broker: the simsel master. One event loop on one thread owns every socket and all state:
// it polls the worker ROUTER and the client ROUTER, handles what arrived, hands tasks to workers
// with free credit, and runs a periodic tick (heartbeats, expiry, limits, batched publishing).
// Only stop() may be called from another thread. See docs/PROTOCOL.md for the conversations.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <zmq.hpp>

#include "broker/server/job.h"
#include "broker/server/worker_registry.h"
#include "broker/store/data_dir_lock.h"
#include "broker/store/job_store.h"
#include "common/config/config.h"
#include "common/protocol/frames.h"
#include "common/protocol/messages.h"

namespace simsel {

class Broker {
 public:
  // Opens the job store and binds the three sockets. Throws on failure (bad endpoint, port in
  // use, unwritable data directory).
  Broker(zmq::context_t& context, BrokerConfig config);

  // The endpoints actually bound (a tcp "*" port resolved).
  const std::string& worker_endpoint() const { return worker_endpoint_; }
  const std::string& client_endpoint() const { return client_endpoint_; }
  const std::string& stats_endpoint() const { return stats_endpoint_; }

  // Runs the loop until stop().
  void run();
  // Thread-safe; the loop notices within one poll interval.
  void stop() { stopping_ = true; }

 private:
  struct InFlight {
    protocol::Task task;
    std::string worker;  // identity of the worker holding it
  };

  void handle_worker_frames(protocol::Frames& frames);
  void handle_worker_message(WorkerSession* worker, const std::string& identity,
                             protocol::WorkerMessage& message);
  void on_ready(const std::string& identity, protocol::Ready& ready);
  void on_result(WorkerSession& worker, const protocol::TaskResult& result);
  void on_failed(WorkerSession& worker, const protocol::TaskFailed& failed);
  void disconnect(const std::string& identity, const std::string& reason);
  void expire(const std::string& identity, const std::string& why);
  void send_to_worker(WorkerSession& worker, const protocol::WorkerMessage& message);

  void handle_client_frames(protocol::Frames& frames);
  protocol::Document answer(const protocol::Document& request);
  protocol::Document submit(const nlohmann::json& body);
  protocol::Document status(const nlohmann::json& body);
  protocol::Document list(const nlohmann::json& body);
  protocol::Document cancel(const nlohmann::json& body);
  protocol::Document stop_job(const nlohmann::json& body);
  protocol::Document pause(const nlohmann::json& body);
  protocol::Document resume(const nlohmann::json& body);
  protocol::Document extend(const nlohmann::json& body);
  protocol::Document priority(const nlohmann::json& body);
  // CANCEL, STOP, PAUSE, RESUME, EXTEND and PRIORITY: `act` on the live job the body names,
  // retiring it if it ended; the answer is its document.
  protocol::Document control(const nlohmann::json& body, const char* command,
                             const std::function<Status(Job&)>& act);
  protocol::Document snapshot(const nlohmann::json& body);
  protocol::Document results(const nlohmann::json& body);
  const SystemResults* stored_results(std::uint64_t job_id);

  void advance_jobs();
  void accrue_capacity();
  void dispatch();
  std::optional<protocol::Task> next_task_fair_share(const WorkerSession& worker,
                                                     std::uint64_t slots);
  double entry_pass(std::uint64_t joining = 0) const;
  const ModelDescriptor* model_descriptor(const std::string& name) const;
  std::set<std::string> accept_models(const std::string& worker_name,
                                      const std::vector<ModelDescriptor>& models);
  void bind_waiting_jobs(const WorkerSession& worker);
  void update_waiting();
  void tick();
  void resume_interrupted(StoredJob& stored);
  // Writes the checkpoints due: of every live job that has one due (and at least
  // `min_log_bytes` of log waiting), or of `only` alone.
  void checkpoint(std::optional<std::uint64_t> only = std::nullopt, std::size_t min_log_bytes = 0);
  void publish_due(bool force_all);
  void log_stage_change(std::uint64_t job_id, const nlohmann::json& document);
  void publish(const std::string& topic, const std::string& command, nlohmann::json body);
  void job_changed(Job& job);
  void retire_if_final(std::uint64_t job_id);

  std::optional<nlohmann::json> job_document(std::uint64_t job_id) const;
  nlohmann::json cluster_document() const;
  double now() const;     // wall clock, seconds since the epoch (for documents)
  double steady() const;  // monotonic seconds (for heartbeats)

  // Steady time the broker was made, for the log's "first task dispatched" after a restart.
  double started_at_ = steady();
  bool dispatched_any_ = false;
  BrokerConfig config_;
  DataDirLock data_dir_lock_;  // before store_: nothing is opened in a directory in use
  JobStore store_;
  zmq::socket_t workers_socket_;
  zmq::socket_t clients_socket_;
  zmq::socket_t stats_socket_;
  std::string worker_endpoint_, client_endpoint_, stats_endpoint_;
  std::atomic<bool> stopping_{false};

  WorkerRegistry workers_;
  // Models users brought, as the first worker that offered each described it (built-in models
  // are in common/models). Kept after the worker leaves: a job bound to it stays bound.
  std::map<std::string, ModelDescriptor> offered_models_;
  std::vector<Job*> fair_share_order_;  // next_task_fair_share's scratch
  std::map<std::uint64_t, std::unique_ptr<Job>> jobs_;  // not yet retired
  std::map<std::uint64_t, nlohmann::json> retired_;     // final documents
  std::unordered_map<std::uint64_t, InFlight> in_flight_;
  std::uint64_t next_job_id_ = 1;
  std::uint64_t next_task_id_ = 1;
  // Sequence number of the last update published. It starts at the broker's start time in
  // microseconds, so it keeps rising across restarts: a subscriber that saw seq N from the last
  // broker neither drops the new one's updates as stale nor misses the gap (docs/PROTOCOL.md).
  std::uint64_t seq_ = 0;
  std::uint64_t replications_done_ = 0;  // results received, over all workers and jobs
  // The stored results last asked for, with the model that names their systems' parameters:
  // a client paging through a large job reads the BLOB once.
  struct StoredResults {
    std::uint64_t job_id = 0;
    SystemResults results;
    std::unique_ptr<SystemSet> systems;
  };
  std::optional<StoredResults> results_cache_;
  // Job id -> steady time its next STATS is due: the publishing interval, or longer for a job
  // whose document is slow to build (see publish_due).
  std::map<std::uint64_t, double> next_publish_;
  std::map<std::uint64_t, std::string> logged_stages_;  // job id -> stage (and round) logged
  double last_tick_ = 0;
  double last_accrual_ = 0;  // steady time up to which running jobs got their slot-seconds
  double last_cluster_publish_ = 0;
  double last_checkpoint_ = 0;
};

}  // namespace simsel
