// See in_process_runner.h. The loop mirrors how the broker drives a job (broker/server/job.cpp):
// ask the plan for work, rescan the targets only when the plan finds none, store the outputs,
// advance the procedure once per batch of results.
#include "tools/validate/in_process_runner.h"

#include <span>
#include <vector>

#include "broker/sampling/sample_store.h"
#include "broker/sampling/sampling_plan.h"
#include "nodes/worker/replicate.h"

namespace simsel {
namespace {

// How many systems want replications the plan has not issued: the breadth of the next step.
std::uint64_t systems_wanting(std::span<const std::uint64_t> targets, const SamplingPlan& plan) {
  std::uint64_t wanting = 0;
  for (std::uint64_t system = 0; system < targets.size(); ++system) {
    if (plan.issued(system) < targets[system]) ++wanting;
  }
  return wanting;
}

// Targets raised by advance() are seen after a rescan, which the plan needs only when its
// current list of needy systems is exhausted (as in Job::next_task).
std::vector<TaskEntry> next_entries(SamplingPlan& plan, const Procedure& procedure,
                                    std::uint64_t max_cells) {
  std::vector<TaskEntry> entries = plan.next(procedure.targets(), max_cells);
  if (!entries.empty()) return entries;
  plan.targets_changed();
  return plan.next(procedure.targets(), max_cells);
}

protocol::Task task_of(const std::vector<TaskEntry>& entries) {
  protocol::Task task;
  for (const TaskEntry& entry : entries) {
    task.systems.push_back(entry.system);
    task.rep_begins.push_back(entry.rep_begin);
    task.rep_counts.push_back(entry.rep_count);
  }
  return task;
}

// Values come in entry order, then replication order (run_replications' layout).
void store_outputs(SampleStore& store, const protocol::Task& task,
                   const std::vector<double>& values) {
  std::size_t next = 0;
  for (std::size_t e = 0; e < task.systems.size(); ++e) {
    for (std::uint32_t r = 0; r < task.rep_counts[e]; ++r) {
      (void)store.put(task.systems[e], task.rep_begins[e] + r, values[next++]);
    }
  }
}

}  // namespace

Result<InProcessRun> run_in_process(const Model& model, const ReplicationStreams& streams,
                                    Procedure& procedure, const InProcessOptions& options) {
  const std::uint64_t systems = model.system_count();
  SamplingPlan plan(systems);
  SampleStore store(systems);
  std::uint64_t simulated = 0;
  while (!procedure.finished()) {
    const std::uint64_t breadth = systems_wanting(procedure.targets(), plan);
    const std::vector<TaskEntry> entries =
        next_entries(plan, procedure, breadth * options.replications_per_system);
    if (entries.empty())
      return make_error("procedure stalled: it wants no more replications but has not finished");
    const protocol::Task task = task_of(entries);
    Result<std::vector<double>> values = run_replications(model, streams, task);
    if (!values) return values.error();
    store_outputs(store, task, *values);
    simulated += task.replication_count();
    procedure.advance(store);
    plan.skip_unwanted(store);
  }
  return InProcessRun{procedure.selection(), simulated};
}

}  // namespace simsel
