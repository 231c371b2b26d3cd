// Job: one submitted job inside the broker — its spec, systems, model descriptor, procedure,
// samples and the bookkeeping that turns results into procedure progress. Owned and touched only
// by the broker loop (not thread-safe). It knows nothing of sockets or workers: the broker hands
// it results and asks it for tasks. It holds no simulation code: a model is only its descriptor.
//
// States: queued --first task--> running --procedure done--> succeeded; any --> failed,
// cancelled. A job of a model that no node has described yet is queued *unbound*: its systems
// are known, its procedure is made by bind() once a node offers the model.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "broker/procedures/procedure.h"
#include "broker/sampling/sample_store.h"
#include "broker/sampling/sampling_plan.h"
#include "broker/store/replay_log.h"
#include "broker/store/system_results.h"
#include "common/jobspec/job_spec.h"
#include "common/protocol/messages.h"
#include "common/models/model_descriptor.h"
#include "common/models/system_set.h"

namespace simsel {

enum class JobState { kQueued, kRunning, kSucceeded, kFailed, kCancelled, kStopped };
std::string_view to_string(JobState state);
bool is_final(JobState state);

class Job {
 public:
  // Validates the spec fully (fields, systems, procedure parameters, and the systems against the
  // model's schema when `model` is given); the error lists every problem found. `model` is the
  // descriptor of the spec's model if it is built in or offered by a live worker; without it the
  // job waits unbound. `now` is in seconds since the epoch.
  static Result<std::unique_ptr<Job>> create(std::uint64_t id, const nlohmann::json& spec_document,
                                             const ModelDescriptor* model, double now);

  // Binds an unbound job to the descriptor a worker now offers: checks its systems against the
  // schema and makes its procedure, or fails the job saying why; a resumed job then replays its
  // checkpoints. REQUIRES: !bound()

  void bind(const ModelDescriptor& model, double now);
  bool bound() const { return procedure_ != nullptr; }
  // Why the job cannot progress now (no live worker offers its model), shown in its document;
  // empty when it can.
  void set_waiting(std::string reason) { waiting_ = std::move(reason); }

  std::uint64_t id() const { return id_; }
  JobState state() const { return state_; }
  const JobSpec& spec() const { return spec_; }
  const protocol::JobDefinition& definition() const { return definition_; }

  // The next task: at most `max_cells` replications, as long as the replications handed out and
  // not yet returned stay under `max_outstanding`. Empty when there is nothing to do now.
  std::optional<protocol::Task> next_task(std::uint64_t task_id, std::uint64_t max_cells,
                                          std::uint64_t max_outstanding);

  // Cells per task so one task computes for about `target_seconds`, from measured costs,
  // and at most `max_cells`.
  std::uint64_t cells_per_task(double target_seconds, std::uint64_t max_cells) const;
  // The fewest replications of a system a task entry should hold, from the measured cost of a
  // replication (see job.cpp).
  std::uint64_t entry_depth() const;
  // The measured cost of one replication, or an assumed one before the first result.
  double seconds_per_cell() const;

  // A result for `task` (which this job issued): its outputs go into the sample store.
  void on_result(const protocol::Task& task, const protocol::TaskResult& result);
  // Lets the procedure consume what arrived since the last call; may finish the job. Called
  // once per loop turn, not per result, so a turn's results cost one pass of the procedure.
  void advance(double now);
  // The task will not come back (its worker expired): its work is handed out again.
  void on_lost(const protocol::Task& task);

  // A model process failed on `task` (FAIL 502): the task is handed out again, up to
  // kModelFailureRetries times per job; the next failure fails the job with `message`.
  static constexpr std::uint32_t kModelFailureRetries = 3;
  void on_model_failure(const protocol::Task& task, const std::string& message, double now);

  void cancel(double now);
  // Ends the job at once with the best sample mean among the systems in contention, stated as
  // an early stop: how many replications, how many contenders, the leaders' differences to the
  // selected one with Bonferroni-simultaneous 1 - alpha intervals, and that the procedure's
  // guarantee does not hold. State kStopped. Errors (kConflict): the job has not started, or
  // no contender has two outputs yet (cancel it instead).
  Status stop_now(double now);
  // A paused job gets no new tasks (those in flight complete and are used); resume undoes it.
  // Errors (kConflict): already paused, or not paused.
  Status pause(double now);
  Status resume(double now);
  bool paused() const { return paused_; }
  // More for a running job: `budget` (a fixed-budget procedure's) and/or `max_replications`
  // (limits.max_replications), each larger than now. Errors name the field: kBadMessage for
  // neither, kConflict when the procedure has no budget or the value is not larger.
  Status extend(std::optional<std::uint64_t> budget,
                std::optional<std::uint64_t> max_replications, double now);

  // The job's weight in the fair share of worker slots (default 1; more is a larger share).
  // Errors (kBadMessage): not a number in [0.01, 1000].
  static constexpr double kMinPriority = 0.01, kMaxPriority = 1000;
  Status set_priority(double weight, double now);
  double priority() const { return priority_; }
  // Fair-share virtual time (broker.cpp, next_task_fair_share): charge() advances it by
  // `seconds` of estimated compute divided by the priority.
  double pass() const { return pass_; }
  void start_pass_at(double pass) { pass_ = pass; }
  void charge(double seconds) { pass_ += seconds / priority_; }
  void fail(std::string reason, double now);
  // Checks the spec's limits; fails the job past one of them.
  void check_limits(double now);
  // Adds `slot_seconds` of cluster capacity to this job's utilization denominator.
  void add_capacity(double slot_seconds) { slot_seconds_ += slot_seconds; }

  // What a broker restart needs to resume this job (see replay_log.h): the log records since the
  // last checkpoint, and the job's counters and users' settings as of now.
  using Checkpoint = JobCheckpoint;
  // True when something happened since the last take_checkpoint() that a resume would need.
  bool checkpoint_due() const { return !log_.empty() || counters_changed_; }
  std::size_t log_bytes() const { return log_.size(); }
  Checkpoint take_checkpoint();
  // The broker's time to write a checkpoint taken (shown in the document: its cost).
  void add_checkpoint_seconds(double seconds) { checkpoint_seconds_ += seconds; }
  // Rebuilds a resumed job from its checkpoints: the counters of the last one, the procedure fed
  // every logged output (and EXTEND) again. A bound job does it at once, an unbound one when
  // bind() makes its procedure. Errors: a damaged log (the job should fail saying so).
  Status restore(ReplaySource source, double now);

  // The job document of docs/PROTOCOL.md.
  nlohmann::json document(double now) const;
  // The procedure's current estimates of systems [begin, end) (its final ones once the job
  // ended). REQUIRES: begin <= end <= system_count()
  SystemResults system_results(std::uint64_t begin, std::uint64_t end) const;
  std::uint64_t system_count() const { return systems_->size(); }
  nlohmann::json system_params(std::uint64_t system) const { return systems_->params(system); }
  // `now` on the steady clock (seconds), once per publish interval.
  void sample_rate(double now);

 private:
  Job(std::uint64_t id, JobSpec spec, std::unique_ptr<SystemSet> systems, double now);
  Result<std::unique_ptr<Procedure>> make_procedure_for(bool maximize) const;
  void finish(JobState state, double now);
  nlohmann::json estimate_json(const SystemEstimate& estimate) const;
  Status apply_extend(std::optional<std::uint64_t> budget,
                      std::optional<std::uint64_t> max_replications);
  Status replay_checkpoints(double now);
  void advance_to_fixpoint();

  std::uint64_t id_;
  JobSpec spec_;
  std::unique_ptr<SystemSet> systems_;
  std::unique_ptr<Procedure> procedure_;  // null until bound
  protocol::JobDefinition definition_;
  SampleStore store_;
  SamplingPlan plan_;
  JobState state_ = JobState::kQueued;
  std::string error_;
  std::string waiting_;
  std::uint32_t model_failures_ = 0;
  double submitted_at_;
  double finished_at_ = 0;
  bool advanced_since_rescan_ = true;
  bool results_pending_ = false;  // results stored since the last advance()
  std::uint64_t outstanding_cells_ = 0;
  std::uint64_t simulated_ = 0;
  double busy_seconds_ = 0;
  double slot_seconds_ = 0;
  double seconds_per_cell_ = 0;  // measured, smoothed; 0 until the first result
  double rate_per_second_ = 0;
  std::uint64_t rate_mark_simulated_ = 0;
  double rate_mark_time_ = 0;
  std::optional<Selection> selection_;
  nlohmann::json stop_intervals_;   // set by stop_now: the leaders' differences to the selected
  nlohmann::json actions_ = nlohmann::json::array();  // users' controls: {action, at}
  bool paused_ = false;
  double priority_ = 1;
  double pass_ = 0;
  ReplayLog log_;                   // since the last checkpoint
  bool counters_changed_ = false;   // a user's setting changed since the last checkpoint
  std::optional<ReplaySource> to_replay_;  // a resumed job's log, until it is bound
  std::uint64_t checkpoints_ = 0, checkpoint_bytes_ = 0;  // written, over the job's life
  double checkpoint_seconds_ = 0;
};

}  // namespace simsel
