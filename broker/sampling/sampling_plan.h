// SamplingPlan: turns a procedure's targets into tasks. It tracks how many replications of each
// system have been issued, hands out the next ones breadth-first (every needy system advances
// evenly, so complete prefixes grow together) and takes back the work of lost tasks.
// Scheduling only: which replications a task holds never changes their values (fixed streams),
// so the plan affects speed, never results. Not thread-safe; owned by one Job.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "broker/sampling/sample_store.h"
#include "common/protocol/messages.h"

namespace simsel {

struct TaskEntry {
  std::uint64_t system = 0;
  std::uint64_t rep_begin = 0;
  std::uint32_t rep_count = 0;
};

class SamplingPlan {
 public:
  explicit SamplingPlan(std::uint64_t system_count);

  // Up to `max_cells` replications (system x replication cells) that the targets want and that
  // nobody has been given yet; empty when there is nothing to hand out. Lost work comes first.
  // An entry holds at least `min_depth` replications of its system when the system wants that
  // many, however many systems are needy: each entry costs a worker a stream positioning.
  std::vector<TaskEntry> next(std::span<const std::uint64_t> targets, std::uint64_t max_cells,
                              std::uint64_t min_depth = 1);

  // The replications of a lost task go back to be handed out again.
  void give_back(const protocol::Task& task);

  // Targets may have risen: look at every system again on the next call (O(systems), so the
  // caller does it only when next() found nothing after the procedure advanced).
  void targets_changed() { rescan_ = true; }

  std::uint64_t issued(std::uint64_t system) const { return issued_[system]; }

  // A resumed job's plan: what the store already holds as complete prefixes is not issued again.
  void resume_after(const SampleStore& store);

  // Never issues the replications the procedure skipped (SampleStore::skip_to) and has not
  // issued yet. Call after each advance of the procedure.
  void skip_unwanted(SampleStore& store);

 private:
  void rebuild_needy(std::span<const std::uint64_t> targets);

  std::vector<std::uint64_t> issued_;  // replications 0..issued-1 have been handed out
  std::vector<std::uint64_t> needy_;   // systems that may still want more, in index order
  std::size_t cursor_ = 0;             // round-robin position in needy_
  bool rescan_ = true;
  std::deque<TaskEntry> returned_;  // work of lost tasks, handed out first
};

}  // namespace simsel
