// See per_system_procedure.h. A system reaches its target once per raise: folding never goes past
// the target, so "short before, not short after" is the one transition fold() reports.
#include "broker/procedures/per_system_procedure.h"

#include <algorithm>

#include "broker/sampling/sample_store.h"

namespace simsel {

PerSystemProcedure::PerSystemProcedure(std::uint64_t system_count, std::uint64_t first_target)
    : targets_(system_count, first_target),
      outputs_(system_count),
      systems_short_(first_target > 0 ? system_count : 0) {}

void PerSystemProcedure::set_target(std::uint64_t system, std::uint64_t target) {
  const bool was_short = is_short(system);
  targets_[system] = target;
  const bool now_short = is_short(system);
  if (now_short && !was_short) {
    ++systems_short_;
    target_raised_.push_back(system);
  } else if (was_short && !now_short) {
    --systems_short_;
  }
}

void PerSystemProcedure::fold(SampleStore& store, std::uint64_t system) {
  if (!is_short(system)) return;
  WelfordAccumulator& outputs = outputs_[system];
  const std::uint64_t begin = rep_of_output(outputs.count);
  const std::uint64_t end = std::min(store.contiguous(system), targets_[system]);
  if (end <= begin) return;
  for (std::uint64_t rep = begin; rep < end; ++rep) outputs.add(store.at(system, rep));
  replications_consumed_ += end - begin;
  store.release(system, end);
  if (end == targets_[system]) {
    --systems_short_;
    reached_target_.push_back(system);
  }
}

std::span<const std::uint64_t> PerSystemProcedure::fold_new_outputs(SampleStore& store) {
  reached_target_.clear();
  for (std::uint64_t system : store.take_grown()) fold(store, system);
  for (std::uint64_t system : target_raised_) fold(store, system);
  target_raised_.clear();
  return reached_target_;
}

void PerSystemProcedure::discard_outputs_before(std::uint64_t rep) {
  std::fill(outputs_.begin(), outputs_.end(), WelfordAccumulator{});
  skipped_reps_ = rep;
}

}  // namespace simsel
