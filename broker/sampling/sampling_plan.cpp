// See sampling_plan.h. Each call walks the needy systems round-robin from where the last call
// stopped and gives each a chunk of replications, the chunk sized so one task spreads over many
// systems when there are many and goes deep into few when there are few.
#include "broker/sampling/sampling_plan.h"

#include <algorithm>

namespace simsel {

SamplingPlan::SamplingPlan(std::uint64_t system_count) : issued_(system_count, 0) {}

void SamplingPlan::rebuild_needy(std::span<const std::uint64_t> targets) {
  needy_.clear();
  for (std::uint64_t i = 0; i < issued_.size(); ++i) {
    if (issued_[i] < targets[i]) needy_.push_back(i);
  }
  cursor_ = 0;
  rescan_ = false;
}

std::vector<TaskEntry> SamplingPlan::next(std::span<const std::uint64_t> targets,
                                          std::uint64_t max_cells, std::uint64_t min_depth) {
  std::vector<TaskEntry> entries;
  std::uint64_t cells = 0;
  while (!returned_.empty() && cells < max_cells) {
    entries.push_back(returned_.front());
    cells += returned_.front().rep_count;
    returned_.pop_front();
  }
  if (cells >= max_cells) return entries;
  if (rescan_) rebuild_needy(targets);
  if (needy_.empty()) return entries;

  const std::uint64_t chunk = std::max(min_depth, (max_cells - cells) / needy_.size());
  const std::size_t count = needy_.size();
  std::size_t walked = 0;
  for (; walked < count && cells < max_cells; ++walked) {
    std::uint64_t system = needy_[(cursor_ + walked) % count];
    if (issued_[system] >= targets[system]) continue;
    std::uint64_t take = std::min(
        {chunk, targets[system] - issued_[system], max_cells - cells, std::uint64_t{UINT32_MAX}});
    entries.push_back({system, issued_[system], static_cast<std::uint32_t>(take)});
    issued_[system] += take;
    cells += take;
  }
  const bool wrapped = cursor_ + walked >= count;
  cursor_ = (cursor_ + walked) % count;
  if (wrapped) {
    // Once per lap, drop the satisfied systems; keep the order so the round-robin stays fair.
    std::uint64_t resume = needy_[cursor_];
    std::erase_if(needy_, [&](std::uint64_t s) { return issued_[s] >= targets[s]; });
    auto it = std::lower_bound(needy_.begin(), needy_.end(), resume);
    cursor_ = it == needy_.end() ? 0 : static_cast<std::size_t>(it - needy_.begin());
  }
  return entries;
}

void SamplingPlan::skip_unwanted(SampleStore& store) {
  for (std::uint64_t system : store.take_skipped()) {
    issued_[system] = std::max(issued_[system], store.released(system));
  }
}

void SamplingPlan::resume_after(const SampleStore& store) {
  for (std::uint64_t system = 0; system < issued_.size(); ++system)
    issued_[system] =
        std::max({issued_[system], store.contiguous(system), store.released(system)});
  rescan_ = true;
}

void SamplingPlan::give_back(const protocol::Task& task) {
  for (std::size_t e = 0; e < task.systems.size(); ++e) {
    returned_.push_back({task.systems[e], task.rep_begins[e], task.rep_counts[e]});
  }
}

}  // namespace simsel
