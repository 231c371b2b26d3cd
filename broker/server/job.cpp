// See job.h.
#include "broker/server/job.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/models/model_catalog.h"
#include "common/protocol/client_requests.h"
#include "common/rng/variates.h"

namespace simsel {
namespace {

// Before any measurement, assume a replication costs this much; the first results correct it.
constexpr double kInitialSecondsPerCell = 100e-6;
// Per-system state is a few plain arrays; beyond this a job would not fit a broker's memory.
constexpr std::uint64_t kMaxSystems = 10'000'000;

}  // namespace

std::string_view to_string(JobState state) {
  switch (state) {
    case JobState::kQueued:
      return "queued";
    case JobState::kRunning:
      return "running";
    case JobState::kSucceeded:
      return "succeeded";
    case JobState::kFailed:
      return "failed";
    case JobState::kCancelled:
      return "cancelled";
    case JobState::kStopped:
      return "stopped";
  }
  return "unknown";
}

bool is_final(JobState state) {
  return state == JobState::kSucceeded || state == JobState::kFailed ||
         state == JobState::kCancelled || state == JobState::kStopped;
}

Result<std::unique_ptr<Job>> Job::create(std::uint64_t id, const nlohmann::json& spec_document,
                                         const ModelDescriptor* model, double now) {
  auto spec = parse_job_spec(spec_document);
  if (!spec) return spec.error();
  std::string problems;
  if (!is_valid_model_name(spec->model))
    problems += "\n  model: '" + spec->model + "' is not a model name (1-64 letters, digits, _ - .)";
  auto systems = make_system_set(spec->model, spec->systems);
  if (!systems) {
    problems += "\n  " + systems.error().message;
  } else if (systems.value()->size() > kMaxSystems) {
    problems += "\n  systems: " + std::to_string(systems.value()->size()) +
                " systems; at most " + std::to_string(kMaxSystems) + " per job";
  } else if (model != nullptr) {
    if (Status fits = check_systems(*model, *systems.value(), spec->systems); !fits)
      problems += "\n  " + fits.error().message;
  }
  if (!problems.empty() || !systems)
    return make_error("invalid job spec:" + problems, protocol::kInvalidSpec);
  std::unique_ptr<Job> job(new Job(id, std::move(spec.value()), std::move(systems.value()), now));
  // Procedure parameters are checked now, with the model's sense if known, so a waiting job
  // cannot fail later for a reason the user could have been told at once.
  auto procedure = job->make_procedure_for(
      job->spec_.maximize.value_or(model == nullptr || model->larger_is_better));
  if (!procedure)
    return make_error("invalid job spec:\n  " + procedure.error().message, protocol::kInvalidSpec);
  if (model != nullptr) {
    if (!job->spec_.maximize) job->spec_.maximize = model->larger_is_better;
    job->procedure_ = std::move(procedure.value());
  }
  return job;
}

Result<std::unique_ptr<Procedure>> Job::make_procedure_for(bool maximize) const {
  const ProcedureSpec procedure_spec{spec_.procedure, spec_.delta, spec_.alpha, spec_.n0,
                                     spec_.crn,       maximize,    spec_.params};
  return make_procedure(procedure_spec, systems_->size());
}

void Job::bind(const ModelDescriptor& model, double now) {
  if (Status fits = check_systems(model, *systems_, spec_.systems); !fits)
    return fail("the systems do not fit model " + model.name + " as its node describes it: " +
                    fits.error().message,
                now);
  if (!spec_.maximize) spec_.maximize = model.larger_is_better;
  auto procedure = make_procedure_for(*spec_.maximize);
  if (!procedure) return fail(procedure.error().message, now);
  procedure_ = std::move(procedure.value());
  if (to_replay_) {
    if (Status replayed = replay_checkpoints(now); !replayed)
      fail("could not resume after a broker restart: " + replayed.error().message, now);
  }
}

Job::Job(std::uint64_t id, JobSpec spec, std::unique_ptr<SystemSet> systems, double now)
    : id_(id),
      spec_(std::move(spec)),
      systems_(std::move(systems)),
      definition_{id, spec_.model, spec_.systems.dump(), spec_.seed, spec_.crn},
      store_(systems_->size()),
      plan_(systems_->size()),
      submitted_at_(now) {}

double Job::seconds_per_cell() const {
  return seconds_per_cell_ > 0 ? seconds_per_cell_ : kInitialSecondsPerCell;
}

std::uint64_t Job::cells_per_task(double target_seconds, std::uint64_t max_cells) const {
  // Until a result has measured the model, one replication per task: a user's model may take
  // seconds or minutes per replication, and a task sized on a guess could outlast the node's
  // timeout_s for that model. The first results (milliseconds for a fast model) size the rest.
  if (seconds_per_cell_ <= 0) return 1;
  return std::clamp<std::uint64_t>(static_cast<std::uint64_t>(target_seconds / seconds_per_cell()),
                                   1, std::max<std::uint64_t>(max_cells, 1));
}

// A worker positions a random stream for each entry of a task: about half a microsecond (two
// jumps of the generator). Entries deep enough to keep that under 5% of their simulation time:
// 1 replication for the tp model (60 us each), the most (16) for the normal model (under 1 us),
// where one-replication entries spent more on positioning than on simulating.
std::uint64_t Job::entry_depth() const {
  constexpr double kPositioningSeconds = 0.5e-6;
  constexpr double kPositioningShare = 0.05;
  constexpr double kDeepest = 16;
  return static_cast<std::uint64_t>(std::clamp(
      std::ceil(kPositioningSeconds / (kPositioningShare * seconds_per_cell())), 1.0, kDeepest));
}

std::optional<protocol::Task> Job::next_task(std::uint64_t task_id, std::uint64_t max_cells,
                                             std::uint64_t max_outstanding) {
  if (is_final(state_) || !bound() || paused_ || outstanding_cells_ >= max_outstanding)
    return std::nullopt;
  auto entries = plan_.next(procedure_->targets(), max_cells, entry_depth());
  if (entries.empty() && advanced_since_rescan_) {
    advanced_since_rescan_ = false;
    plan_.targets_changed();
    entries = plan_.next(procedure_->targets(), max_cells, entry_depth());
  }
  if (entries.empty()) return std::nullopt;
  if (state_ == JobState::kQueued) {
    state_ = JobState::kRunning;
  }
  protocol::Task task{task_id, id_, {}, {}, {}};
  for (const auto& entry : entries) {
    task.systems.push_back(entry.system);
    task.rep_begins.push_back(entry.rep_begin);
    task.rep_counts.push_back(entry.rep_count);
    outstanding_cells_ += entry.rep_count;
  }
  return task;
}

void Job::on_result(const protocol::Task& task, const protocol::TaskResult& result) {
  const std::uint64_t cells = task.replication_count();
  outstanding_cells_ -= std::min(outstanding_cells_, cells);
  if (is_final(state_)) return;
  std::size_t next_value = 0;
  for (std::size_t e = 0; e < task.systems.size(); ++e) {
    const std::span<const double> values(result.values.data() + next_value, task.rep_counts[e]);
    for (std::uint32_t r = 0; r < task.rep_counts[e]; ++r)
      (void)store_.put(task.systems[e], task.rep_begins[e] + r, values[r]);
    log_.append_outputs(task.systems[e], task.rep_begins[e], values);
    next_value += task.rep_counts[e];
  }
  simulated_ += cells;
  const double busy = static_cast<double>(result.busy_ns) * 1e-9;
  busy_seconds_ += busy;
  const double measured = busy / static_cast<double>(std::max<std::uint64_t>(cells, 1));
  seconds_per_cell_ = seconds_per_cell_ > 0 ? 0.8 * seconds_per_cell_ + 0.2 * measured : measured;
  results_pending_ = true;
}

void Job::advance(double now) {
  if (!results_pending_ || is_final(state_) || !bound()) return;
  results_pending_ = false;
  procedure_->advance(store_);
  plan_.skip_unwanted(store_);
  advanced_since_rescan_ = true;
  if (procedure_->finished()) {
    selection_ = procedure_->selection();
    finish(JobState::kSucceeded, now);
  }
}

void Job::on_lost(const protocol::Task& task) {
  outstanding_cells_ -= std::min(outstanding_cells_, task.replication_count());
  if (!is_final(state_)) plan_.give_back(task);
}

void Job::on_model_failure(const protocol::Task& task, const std::string& message, double now) {
  if (++model_failures_ > kModelFailureRetries)
    return fail("the model failed " + std::to_string(model_failures_) +
                    " times (retries exhausted); the last time: " + message,
                now);
  on_lost(task);
}

void Job::cancel(double now) {
  if (!is_final(state_)) actions_.push_back({{"action", "cancel"}, {"at", now}});
  finish(JobState::kCancelled, now);
}

Status Job::pause(double now) {
  if (paused_)
    return make_error("job " + std::to_string(id_) + " is already paused", protocol::kConflict);
  paused_ = true;
  counters_changed_ = true;
  actions_.push_back({{"action", "pause"}, {"at", now}});
  return Ok{};
}

Status Job::resume(double now) {
  if (!paused_)
    return make_error("job " + std::to_string(id_) + " is not paused", protocol::kConflict);
  paused_ = false;
  counters_changed_ = true;
  actions_.push_back({{"action", "resume"}, {"at", now}});
  return Ok{};
}

Status Job::extend(std::optional<std::uint64_t> budget,
                   std::optional<std::uint64_t> max_replications, double now) {
  if (!budget && !max_replications)
    return make_error("EXTEND: give budget, max_replications or both", protocol::kBadMessage);
  if (budget && !bound())
    return make_error("job " + std::to_string(id_) + " has not started", protocol::kConflict);
  // The extension applies after every output that has arrived, so that a replay of the log
  // (outputs, then this EXTEND) reaches the same procedure state.
  if (bound()) advance(now);
  if (is_final(state_))
    return make_error("job " + std::to_string(id_) + " has already ended", protocol::kConflict);
  if (Status extended = apply_extend(budget, max_replications); !extended) return extended;
  nlohmann::json applied = nlohmann::json::object();
  if (budget) applied["budget"] = *budget;
  if (max_replications) applied["max_replications"] = *max_replications;
  log_.append_extend(applied);
  nlohmann::json action = applied;
  action["action"] = "extend";
  action["at"] = now;
  actions_.push_back(std::move(action));
  return Ok{};
}

Status Job::apply_extend(std::optional<std::uint64_t> budget,
                         std::optional<std::uint64_t> max_replications) {
  const auto& limit = spec_.limits.max_replications;
  if (max_replications && limit && *max_replications <= *limit)
    return make_error("EXTEND.max_replications: must exceed the current limit (" +
                          std::to_string(*limit) + ")",
                      protocol::kConflict);
  if (budget) {
    if (Status extended = procedure_->extend_budget(*budget); !extended)
      return make_error("EXTEND." + extended.error().message, protocol::kConflict);
  }
  if (max_replications) spec_.limits.max_replications = *max_replications;
  return Ok{};
}

Job::Checkpoint Job::take_checkpoint() {
  counters_changed_ = false;
  ++checkpoints_;
  checkpoint_bytes_ += log_.size();
  return {log_.take(),
          {{"simulated", simulated_},
           {"busy_seconds", busy_seconds_},
           {"slot_seconds", slot_seconds_},
           {"seconds_per_cell", seconds_per_cell_},
           {"model_failures", model_failures_},
           {"actions", actions_},
           {"paused", paused_},
           {"priority", priority_},
           {"checkpoints", checkpoints_},
           {"checkpoint_bytes", checkpoint_bytes_},
           {"checkpoint_seconds", checkpoint_seconds_}}};
}

Status Job::restore(ReplaySource source, double now) {
  const nlohmann::json& counters = source.counters;
  try {
    simulated_ = counters.at("simulated").get<std::uint64_t>();
    busy_seconds_ = counters.at("busy_seconds").get<double>();
    slot_seconds_ = counters.at("slot_seconds").get<double>();
    seconds_per_cell_ = counters.at("seconds_per_cell").get<double>();
    model_failures_ = counters.at("model_failures").get<std::uint32_t>();
    actions_ = counters.at("actions");
    paused_ = counters.at("paused").get<bool>();
    priority_ = counters.at("priority").get<double>();
    checkpoints_ = counters.at("checkpoints").get<std::uint64_t>();
    checkpoint_bytes_ = counters.at("checkpoint_bytes").get<std::uint64_t>();
    checkpoint_seconds_ = counters.at("checkpoint_seconds").get<double>();
  } catch (const nlohmann::json::exception& e) {
    return make_error(std::string("checkpoint counters: ") + e.what());
  }
  actions_.push_back({{"action", "resumed after a broker restart"}, {"at", now}});
  to_replay_ = std::move(source);
  return bound() ? replay_checkpoints(now) : Status(Ok{});
}

// A replayed store can hold outputs past a procedure's targets, which a live job never does (the
// plan issues only what the targets want): a stage that ends in one advance raises targets that
// those outputs already meet, and only another advance folds them. So advance until nothing more
// is consumed; a live job gets that advance from the next result.
void Job::advance_to_fixpoint() {
  std::uint64_t consumed = 0;
  do {
    consumed = procedure_->replications_consumed();
    procedure_->advance(store_);
  } while (!procedure_->finished() && procedure_->replications_consumed() > consumed);
}

// Each segment's outputs go into the store and the procedure advances on them, one segment
// at a time so that memory stays what the running job used; an EXTEND applies where it was
// logged. Procedures decide the same on the same outputs however they are chunked (see
// procedure.h), so the state reached is the one the job had.
Status Job::replay_checkpoints(double now) {
  Status broken = Ok{};  // what the visitor found wrong, checked after each segment
  const ReplayVisitor visitor{
      [&](std::uint64_t system, std::uint64_t rep_begin, std::span<const double> values) {
        if (system >= store_.system_count()) {
          broken = make_error("replay log: system " + std::to_string(system) + " of " +
                              std::to_string(store_.system_count()));
          return;
        }
        for (std::size_t r = 0; r < values.size(); ++r)
          (void)store_.put(system, rep_begin + r, values[r]);
      },
      [&](const nlohmann::json& fields) {
        advance_to_fixpoint();
        const auto field = [&](std::string_view key) { return protocol::uint_field(fields, key); };
        if (Status applied = apply_extend(field("budget"), field("max_replications")); !applied)
          broken = applied;
      }};
  const ReplaySource source = std::move(*to_replay_);
  to_replay_.reset();
  for (std::size_t segment = 0; segment < source.segments; ++segment) {
    auto records = source.read(segment);
    if (!records) return records.error();
    if (Status replayed = replay(records.value(), visitor); !replayed) return replayed;
    if (!broken) return broken;
    advance_to_fixpoint();
    plan_.skip_unwanted(store_);
  }
  // Replayed outputs are not logged again (they are in the log); new ones append to it.
  plan_.resume_after(store_);
  if (procedure_->replications_consumed() > 0 || simulated_ > 0) state_ = JobState::kRunning;
  if (procedure_->finished()) {
    selection_ = procedure_->selection();
    finish(JobState::kSucceeded, now);
  }
  return Ok{};
}

Status Job::set_priority(double weight, double now) {
  if (!(weight >= kMinPriority && weight <= kMaxPriority))
    return make_error("PRIORITY.weight: must be a number in [0.01, 1000]", protocol::kBadMessage);
  priority_ = weight;
  counters_changed_ = true;
  actions_.push_back({{"action", "priority"}, {"weight", weight}, {"at", now}});
  return Ok{};
}

Status Job::stop_now(double now) {
  if (!bound() || state_ == JobState::kQueued)
    return make_error("job " + std::to_string(id_) + " has not started; cancel it instead",
                      protocol::kConflict);
  const ProcedureProgress progress = procedure_->progress();
  if (progress.leaders.empty() || progress.leaders.front().replications < 2)
    return make_error("job " + std::to_string(id_) +
                          " has no system with two outputs yet: nothing to select; cancel it "
                          "instead",
                      protocol::kConflict);
  const SystemEstimate& best = progress.leaders.front();
  // Simultaneous intervals for the differences of the contenders to the selected one
  // (Bonferroni over all of them, normal approximation, variances from each one's outputs).
  const double comparisons =
      static_cast<double>(std::max<std::uint64_t>(progress.survivors, 2) - 1);
  const double z = standard_normal_quantile(1 - spec_.alpha / (2 * comparisons));
  stop_intervals_ = nlohmann::json::array();
  for (std::size_t i = 1; i < progress.leaders.size(); ++i) {
    const SystemEstimate& other = progress.leaders[i];
    if (other.replications < 2) continue;
    const double half =
        z * std::sqrt(best.stddev * best.stddev / static_cast<double>(best.replications) +
                      other.stddev * other.stddev / static_cast<double>(other.replications));
    stop_intervals_.push_back({{"index", other.system},
                               {"params", systems_->params(other.system)},
                               {"difference", other.mean - best.mean},
                               {"half_width", half}});
  }
  std::ostringstream statement;
  statement << "stopped early after " << progress.replications << " replications; "
            << progress.survivors << (progress.survivors == 1 ? " system" : " systems")
            << " still in contention; the selected one has the best sample mean; the "
            << "procedure's guarantee does not hold for an early stop";
  if (!stop_intervals_.empty())
    statement << " (stop_intervals: the next leaders' differences to it, simultaneous "
              << 100 * (1 - spec_.alpha) << "% intervals over the contenders)";
  selection_ = Selection{best, progress.replications, statement.str()};
  actions_.push_back({{"action", "stop"}, {"at", now}});
  finish(JobState::kStopped, now);
  return Ok{};
}

void Job::fail(std::string reason, double now) {
  error_ = std::move(reason);
  finish(JobState::kFailed, now);
}

void Job::check_limits(double now) {
  if (is_final(state_)) return;
  if (!bound()) {
    if (spec_.limits.max_wall_seconds && now - submitted_at_ >= *spec_.limits.max_wall_seconds)
      fail("limit reached: limits.max_wall_seconds while " + waiting_, now);
    return;
  }
  // Replications the procedure used, not simulated ones: speculation depends on the worker count.
  if (spec_.limits.max_replications &&
      procedure_->replications_consumed() >= *spec_.limits.max_replications)
    fail("limit reached: limits.max_replications = " +
             std::to_string(*spec_.limits.max_replications) + " before the procedure finished",
         now);
  else if (spec_.limits.max_wall_seconds && now - submitted_at_ >= *spec_.limits.max_wall_seconds)
    fail("limit reached: limits.max_wall_seconds before the procedure finished", now);
}

void Job::finish(JobState state, double now) {
  if (is_final(state_)) return;
  state_ = state;
  finished_at_ = now;
}

void Job::sample_rate(double now) {
  const double elapsed = now - rate_mark_time_;
  if (rate_mark_time_ == 0 || elapsed <= 0) {  // first sample: only set the mark
    rate_mark_time_ = now;
    rate_mark_simulated_ = simulated_;
    return;
  }
  const double instant = static_cast<double>(simulated_ - rate_mark_simulated_) / elapsed;
  rate_per_second_ = rate_per_second_ > 0 ? 0.5 * rate_per_second_ + 0.5 * instant : instant;
  rate_mark_simulated_ = simulated_;
  rate_mark_time_ = now;
}

nlohmann::json Job::estimate_json(const SystemEstimate& estimate) const {
  return {{"index", estimate.system},
          {"params", systems_->params(estimate.system)},
          {"mean", estimate.mean},
          {"stddev", estimate.stddev},
          {"replications", estimate.replications}};
}

SystemResults Job::system_results(std::uint64_t begin, std::uint64_t end) const {
  SystemResults results;
  if (!bound()) {
    for (std::uint64_t system = begin; system < end; ++system) results.push_back(0, 0, 0);
    return results;
  }
  for (std::uint64_t system = begin; system < end; ++system) {
    const SystemEstimate estimate = procedure_->estimate(system);
    results.push_back(estimate.replications, estimate.mean, estimate.stddev);
  }
  return results;
}

nlohmann::json Job::document(double now) const {
  const double end = is_final(state_) ? finished_at_ : now;
  ProcedureProgress progress;
  if (bound()) {
    progress = procedure_->progress();
  } else {
    progress.stage = "waiting for a worker";
    progress.survivors = systems_->size();
  }
  nlohmann::json leaders = nlohmann::json::array();
  for (const auto& leader : progress.leaders) leaders.push_back(estimate_json(leader));
  nlohmann::json document = {
      {"job_id", id_},
      {"state", to_string(state_)},
      {"model", spec_.model},
      {"procedure", spec_.procedure},
      {"systems", systems_->size()},
      {"seed", spec_.seed},
      {"crn", spec_.crn},
      {"delta", spec_.delta},
      {"alpha", spec_.alpha},
      {"n0", spec_.n0},
      {"maximize", spec_.maximize.value_or(true)},
      {"submitted_at", submitted_at_},
      {"wall_seconds", state_ == JobState::kQueued ? 0.0 : end - submitted_at_},
      {"total_replications", progress.replications},
      {"simulated_replications", simulated_},
      {"busy_seconds", busy_seconds_},
      {"utilization", slot_seconds_ > 0 ? busy_seconds_ / slot_seconds_ : 0.0},
      {"replications_per_second", rate_per_second_},
      {"progress",
       {{"stage", progress.stage},
        {"round", progress.round},
        {"rounds", progress.rounds},
        {"survivors", progress.survivors},
        {"leaders", leaders}}},
  };
  if (selection_) {
    nlohmann::json best = estimate_json(selection_->best);
    best.erase("stddev");
    document["best"] = best;
    document["total_replications"] = selection_->total_replications;
    document["guarantee"] = selection_->guarantee;
  }
  if (!error_.empty()) document["error"] = error_;
  if (!stop_intervals_.is_null()) document["stop_intervals"] = stop_intervals_;
  if (!actions_.empty()) document["actions"] = actions_;
  if (paused_ && !is_final(state_)) document["paused"] = true;
  document["priority"] = priority_;
  // What keeping the job resumable costs (docs/RELIABILITY.md): checkpoints written, their bytes
  // (the replay log) and the broker's seconds spent writing them.
  document["checkpoints"] = {{"count", checkpoints_},
                             {"bytes", checkpoint_bytes_},
                             {"seconds", checkpoint_seconds_}};
  if (!waiting_.empty() && !is_final(state_)) document["waiting"] = waiting_;
  return document;
}

}  // namespace simsel
