// See kn.h. The first stage keeps every raw output in the store until all systems have n0,
// because S_il^2 needs the paired outputs; after that each survivor's outputs are folded and
// released stage by stage. A stage is screened only when every survivor has its output for it,
// and outputs are folded in replication order, so eliminations, the selection and the totals
// are the same whatever order results arrived in.
#include "broker/procedures/kn.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "broker/procedures/estimates.h"

namespace simsel {
namespace {

// A last stage beyond 2^53 could not be counted exactly in a double and would never be
// reached; the cap only keeps the conversion defined for absurd variances.
constexpr double kLargestStage = 9007199254740992.0;

}  // namespace

KnProcedure::KnProcedure(const ProcedureSpec& spec, std::uint64_t system_count)
    : spec_(spec),
      constants_(kn_constants(system_count, spec.alpha, spec.n0)),
      stage_r_(spec.n0),
      systems_short_of_first_stage_(system_count),
      targets_(system_count, spec.n0),
      outputs_(system_count) {
  survivors_.reserve(system_count);
  for (std::uint64_t system = 0; system < system_count; ++system) {
    survivors_.push_back(static_cast<std::uint32_t>(system));
  }
}

std::uint64_t KnProcedure::pair_index(std::uint64_t i, std::uint64_t l) const {
  if (i > l) std::swap(i, l);
  // Row i of the strict upper triangle starts after rows 0..i-1, of k-1, k-2, ... entries.
  const std::uint64_t k = outputs_.size();
  return i * (2 * k - i - 1) / 2 + (l - i - 1);
}

void KnProcedure::advance(SampleStore& store) {
  switch (stage_) {
    case Stage::kFirstStage:
      fold_first_stage(store);
      if (systems_short_of_first_stage_ > 0) return;
      start_screening(store);
      run_ready_stages(store);
      return;
    case Stage::kScreening:
      run_ready_stages(store);
      return;
    case Stage::kDone:
      return;
  }
}

// Folds first-stage outputs as they come (so progress shows live means) but releases none.
void KnProcedure::fold_first_stage(const SampleStore& store) {
  for (std::uint64_t system = 0; system < outputs_.size(); ++system) {
    WelfordAccumulator& outputs = outputs_[system];
    if (outputs.count == spec_.n0) continue;
    const std::uint64_t end = std::min<std::uint64_t>(store.contiguous(system), spec_.n0);
    for (std::uint64_t rep = outputs.count; rep < end; ++rep) {
      outputs.add(store.at(system, rep));
      ++replications_consumed_;
    }
    if (outputs.count == spec_.n0) --systems_short_of_first_stage_;
  }
}

void KnProcedure::start_screening(SampleStore& store) {
  compute_pair_thresholds(store);
  for (std::uint64_t system = 0; system < outputs_.size(); ++system) {
    store.release(system, spec_.n0);
  }
  // At stage N every W_il is 0: N > h^2 S_il^2 / delta^2 = threshold / delta for every pair.
  const double largest_threshold =
      pair_thresholds_.empty()
          ? 0.0
          : *std::max_element(pair_thresholds_.begin(), pair_thresholds_.end());
  const double stage_n = std::min(std::floor(largest_threshold / spec_.delta) + 1, kLargestStage);
  last_stage_ = std::max<std::uint64_t>(spec_.n0, static_cast<std::uint64_t>(stage_n));
  std::fill(targets_.begin(), targets_.end(), last_stage_);
  stage_ = Stage::kScreening;
  screen(store);
  finish_if_decided();
}

// S_il^2 = sum_j ((X_ij - Xbar_i) - (X_lj - Xbar_l))^2 / (n0 - 1) over the first n0 outputs,
// the sample variance of the paired differences, computed from centred outputs.
void KnProcedure::compute_pair_thresholds(const SampleStore& store) {
  const std::uint64_t k = outputs_.size();
  const std::uint64_t n0 = spec_.n0;
  std::vector<double> centred(k * n0);
  for (std::uint64_t system = 0; system < k; ++system) {
    for (std::uint64_t rep = 0; rep < n0; ++rep) {
      centred[system * n0 + rep] = store.at(system, rep) - outputs_[system].mean;
    }
  }
  const double scale = constants_.h_squared / (static_cast<double>(n0 - 1) * spec_.delta);
  pair_thresholds_.assign(k * (k - 1) / 2, 0.0);
  smallest_thresholds_.assign(k, std::numeric_limits<double>::infinity());
  for (std::uint64_t i = 0; i < k; ++i) {
    for (std::uint64_t l = i + 1; l < k; ++l) {
      double sum_of_squares = 0;
      for (std::uint64_t rep = 0; rep < n0; ++rep) {
        const double difference = centred[i * n0 + rep] - centred[l * n0 + rep];
        sum_of_squares += difference * difference;
      }
      const double threshold = scale * sum_of_squares;
      pair_thresholds_[pair_index(i, l)] = threshold;
      smallest_thresholds_[i] = std::min(smallest_thresholds_[i], threshold);
      smallest_thresholds_[l] = std::min(smallest_thresholds_[l], threshold);
    }
  }
}

bool KnProcedure::survivors_have(const SampleStore& store, std::uint64_t outputs) const {
  return std::all_of(survivors_.begin(), survivors_.end(),
                     [&](std::uint32_t system) { return store.contiguous(system) >= outputs; });
}

void KnProcedure::run_ready_stages(SampleStore& store) {
  while (stage_ == Stage::kScreening && survivors_have(store, stage_r_ + 1)) {
    for (std::uint32_t system : survivors_) {
      outputs_[system].add(store.at(system, stage_r_));
      store.release(system, stage_r_ + 1);
    }
    replications_consumed_ += survivors_.size();
    ++stage_r_;
    screen(store);
    finish_if_decided();
  }
}

// Eliminates, all at once, every survivor that trails some other survivor by more than W_il(r).
// Most survivors are settled in O(1) against the leader, l*: W_il >= W_i^min (the smallest
// threshold of i over all pairs), so score_i >= score_l* - W_i^min means i trails nobody; and
// score_i < score_l* - W_il* eliminates it. Only the rest are compared with every survivor.
void KnProcedure::screen(SampleStore& store) {
  const double r = static_cast<double>(stage_r_);
  const auto allowance = [&](double threshold) {
    return std::max(0.0, threshold - r * spec_.delta) / (2 * r);
  };
  const double direction = spec_.maximize ? 1.0 : -1.0;
  std::vector<double> scores;  // larger is better, whatever the job's direction
  scores.reserve(survivors_.size());
  for (std::uint32_t system : survivors_) scores.push_back(direction * outputs_[system].mean);
  const std::size_t leader = std::max_element(scores.begin(), scores.end()) - scores.begin();

  const auto trails_someone = [&](std::size_t a) {
    const std::uint32_t system = survivors_[a];
    if (scores[a] >= scores[leader] - allowance(smallest_thresholds_[system])) return false;
    const double leader_threshold = pair_thresholds_[pair_index(system, survivors_[leader])];
    if (scores[a] < scores[leader] - allowance(leader_threshold)) return true;
    for (std::size_t b = 0; b < survivors_.size(); ++b) {
      if (b == a) continue;
      const double threshold = pair_thresholds_[pair_index(system, survivors_[b])];
      if (scores[a] < scores[b] - allowance(threshold)) return true;
    }
    return false;
  };

  std::vector<std::uint32_t> kept;
  kept.reserve(survivors_.size());
  for (std::size_t a = 0; a < survivors_.size(); ++a) {
    const std::uint32_t system = survivors_[a];
    if (a == leader || !trails_someone(a)) {
      kept.push_back(system);
      continue;
    }
    targets_[system] = stage_r_;
    store.release(system, store.contiguous(system));
  }
  survivors_.swap(kept);
}

// One survivor, or the last stage (where W = 0 and only exact ties can remain): pick the best.
void KnProcedure::finish_if_decided() {
  if (survivors_.size() > 1 && stage_r_ < last_stage_) return;
  LeaderBoard best(1, spec_.maximize);
  for (std::uint32_t system : survivors_) {
    best.offer(system, outputs_[system]);
    targets_[system] = stage_r_;
  }
  best_ = best.leaders().front();
  stage_ = Stage::kDone;
}

Selection KnProcedure::selection() const {
  return {best_, replications_consumed_, indifference_zone_guarantee(spec_.alpha, spec_.delta)};
}

ProcedureProgress KnProcedure::progress() const {
  ProcedureProgress progress;
  switch (stage_) {
    case Stage::kFirstStage:
      progress.stage = "first stage";
      break;
    case Stage::kScreening:
      progress.stage = "screening";
      break;
    case Stage::kDone:
      progress.stage = "done";
      break;
  }
  progress.survivors = survivors_.size();
  progress.replications = replications_consumed_;
  LeaderBoard leaders(kLeaderCount, spec_.maximize);
  for (std::uint32_t system : survivors_) leaders.offer(system, outputs_[system]);
  progress.leaders = leaders.leaders();
  return progress;
}

}  // namespace simsel
