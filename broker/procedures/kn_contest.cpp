// See kn_contest.h. The first stage keeps every raw output in the store until all members have
// n0, because S_il^2 needs the paired outputs; after that each survivor's outputs are folded and
// released stage by stage. A stage is screened only when every survivor has its output for it,
// and outputs are folded in replication order, so eliminations, the winner and the totals are
// the same whatever order results arrived in.
#include "broker/procedures/kn_contest.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace simsel {
namespace {

// A last stage beyond 2^53 could not be counted exactly in a double and would never be
// reached; the cap only keeps the conversion defined for absurd variances.
constexpr double kLargestStage = 9007199254740992.0;

}  // namespace

KnContest::KnContest(std::vector<std::uint32_t> members, std::uint64_t first_rep,
                     const KnSettings& settings)
    : members_(std::move(members)),
      first_rep_(first_rep),
      settings_(settings),
      stage_r_(settings.n0),
      members_short_of_first_stage_(members_.size()) {
  survivors_.reserve(members_.size());
  for (std::uint32_t position = 0; position < members_.size(); ++position) {
    survivors_.push_back(position);
  }
}

std::uint64_t KnContest::pair_index(std::uint64_t a, std::uint64_t b) const {
  if (a > b) std::swap(a, b);
  // Row a of the strict upper triangle starts after rows 0..a-1, of m-1, m-2, ... entries.
  const std::uint64_t m = members_.size();
  return a * (2 * m - a - 1) / 2 + (b - a - 1);
}

std::uint64_t KnContest::advance(SampleStore& store, std::span<std::uint64_t> targets,
                                 std::span<WelfordAccumulator> outputs) {
  switch (stage_) {
    case Stage::kFirstStage: {
      const std::uint64_t consumed = fold_first_stage(store, outputs);
      if (members_short_of_first_stage_ > 0) return consumed;
      start_screening(store, targets, outputs);
      return consumed + run_ready_stages(store, targets, outputs);
    }
    case Stage::kScreening:
      return run_ready_stages(store, targets, outputs);
    case Stage::kDone:
      break;
  }
  return 0;
}

// Folds first-stage outputs as they come (so progress shows live means) but releases none.
std::uint64_t KnContest::fold_first_stage(const SampleStore& store,
                                          std::span<WelfordAccumulator> outputs) {
  std::uint64_t consumed = 0;
  for (std::uint32_t system : members_) {
    WelfordAccumulator& folded = outputs[system];
    if (folded.count == settings_.n0) continue;
    const std::uint64_t available =
        store.contiguous(system) - std::min(store.contiguous(system), first_rep_);
    const std::uint64_t end = std::min<std::uint64_t>(available, settings_.n0);
    for (std::uint64_t output = folded.count; output < end; ++output) {
      folded.add(store.at(system, rep(output)));
      ++consumed;
    }
    if (folded.count == settings_.n0) --members_short_of_first_stage_;
  }
  return consumed;
}

void KnContest::start_screening(SampleStore& store, std::span<std::uint64_t> targets,
                                std::span<const WelfordAccumulator> outputs) {
  compute_pair_thresholds(store, outputs);
  for (std::uint32_t system : members_) store.release(system, rep(settings_.n0));
  // At stage N every W_il is 0: N > h^2 S_il^2 / delta^2 = threshold / delta for every pair.
  const double largest_threshold =
      pair_thresholds_.empty()
          ? 0.0
          : *std::max_element(pair_thresholds_.begin(), pair_thresholds_.end());
  const double stage_n =
      std::min(std::floor(largest_threshold / settings_.delta) + 1, kLargestStage);
  last_stage_ = std::max<std::uint64_t>(settings_.n0, static_cast<std::uint64_t>(stage_n));
  raise_survivor_targets(targets);
  stage_ = Stage::kScreening;
  screen(store, targets, outputs);
  finish_if_decided(store, targets, outputs);
}

// S_il^2 = sum_j ((X_ij - Xbar_i) - (X_lj - Xbar_l))^2 / (n0 - 1) over the first n0 outputs,
// the sample variance of the paired differences, computed from centred outputs.
void KnContest::compute_pair_thresholds(const SampleStore& store,
                                        std::span<const WelfordAccumulator> outputs) {
  const std::uint64_t m = members_.size();
  const std::uint64_t n0 = settings_.n0;
  std::vector<double> centred(m * n0);
  for (std::uint64_t a = 0; a < m; ++a) {
    const std::uint32_t system = members_[a];
    for (std::uint64_t output = 0; output < n0; ++output) {
      centred[a * n0 + output] = store.at(system, rep(output)) - outputs[system].mean;
    }
  }
  const double scale =
      settings_.constants.h_squared / (static_cast<double>(n0 - 1) * settings_.delta);
  pair_thresholds_.assign(m * (m - 1) / 2, 0.0);
  smallest_thresholds_.assign(m, std::numeric_limits<double>::infinity());
  for (std::uint64_t a = 0; a < m; ++a) {
    for (std::uint64_t b = a + 1; b < m; ++b) {
      double sum_of_squares = 0;
      for (std::uint64_t output = 0; output < n0; ++output) {
        const double difference = centred[a * n0 + output] - centred[b * n0 + output];
        sum_of_squares += difference * difference;
      }
      const double threshold = scale * sum_of_squares;
      pair_thresholds_[pair_index(a, b)] = threshold;
      smallest_thresholds_[a] = std::min(smallest_thresholds_[a], threshold);
      smallest_thresholds_[b] = std::min(smallest_thresholds_[b], threshold);
    }
  }
}

bool KnContest::survivors_have(const SampleStore& store, std::uint64_t outputs) const {
  return std::all_of(survivors_.begin(), survivors_.end(), [&](std::uint32_t position) {
    return store.contiguous(members_[position]) >= rep(outputs);
  });
}

std::uint64_t KnContest::run_ready_stages(SampleStore& store, std::span<std::uint64_t> targets,
                                          std::span<WelfordAccumulator> outputs) {
  std::uint64_t consumed = 0;
  while (stage_ == Stage::kScreening && survivors_have(store, stage_r_ + 1)) {
    for (std::uint32_t position : survivors_) {
      const std::uint32_t system = members_[position];
      outputs[system].add(store.at(system, rep(stage_r_)));
      store.release(system, rep(stage_r_ + 1));
    }
    consumed += survivors_.size();
    ++stage_r_;
    screen(store, targets, outputs);
    finish_if_decided(store, targets, outputs);
  }
  if (stage_ == Stage::kScreening) raise_survivor_targets(targets);
  return consumed;
}

// Survivors want outputs a window of stages ahead of the one being screened, not all the way to
// N: enough to keep workers busy while stages complete, and a bound on what an elimination
// throws away (at most the window, about a quarter of what the system has consumed).
void KnContest::raise_survivor_targets(std::span<std::uint64_t> targets) const {
  const std::uint64_t window = std::max(kMinimumLookahead, stage_r_ / 4);
  const std::uint64_t wanted = rep(std::min(last_stage_, stage_r_ + window));
  for (std::uint32_t position : survivors_) {
    targets[members_[position]] = std::max(targets[members_[position]], wanted);
  }
}

// Eliminates, all at once, every survivor that trails some other survivor by more than W_il(r).
// Most survivors are settled in O(1) against the leader, l*: W_il >= W_i^min (the smallest
// threshold of i over all pairs), so score_i >= score_l* - W_i^min means i trails nobody; and
// score_i < score_l* - W_il* eliminates it. Only the rest are compared with every survivor.
void KnContest::screen(SampleStore& store, std::span<std::uint64_t> targets,
                       std::span<const WelfordAccumulator> outputs) {
  const double r = static_cast<double>(stage_r_);
  const auto allowance = [&](double threshold) {
    return std::max(0.0, threshold - r * settings_.delta) / (2 * r);
  };
  const double direction = settings_.maximize ? 1.0 : -1.0;
  std::vector<double>& scores = scores_;  // larger is better, whatever the job's direction
  scores.clear();
  for (std::uint32_t position : survivors_) {
    scores.push_back(direction * outputs[members_[position]].mean);
  }
  const std::size_t leader = std::max_element(scores.begin(), scores.end()) - scores.begin();

  const auto trails_someone = [&](std::size_t a) {
    const std::uint32_t position = survivors_[a];
    if (scores[a] >= scores[leader] - allowance(smallest_thresholds_[position])) return false;
    const double leader_threshold = pair_thresholds_[pair_index(position, survivors_[leader])];
    if (scores[a] < scores[leader] - allowance(leader_threshold)) return true;
    for (std::size_t b = 0; b < survivors_.size(); ++b) {
      if (b == a) continue;
      const double threshold = pair_thresholds_[pair_index(position, survivors_[b])];
      if (scores[a] < scores[b] - allowance(threshold)) return true;
    }
    return false;
  };

  std::vector<std::uint32_t>& kept = kept_;
  kept.clear();
  for (std::size_t a = 0; a < survivors_.size(); ++a) {
    const std::uint32_t position = survivors_[a];
    if (a == leader || !trails_someone(a)) {
      kept.push_back(position);
      continue;
    }
    const std::uint32_t system = members_[position];
    targets[system] = rep(stage_r_);
    store.release(system, store.contiguous(system));
  }
  survivors_.swap(kept);
}

// One survivor, or the last stage (where W = 0 and only exact ties can remain): the best mean
// wins, the earlier member on a tie.
void KnContest::finish_if_decided(SampleStore& store, std::span<std::uint64_t> targets,
                                  std::span<const WelfordAccumulator> outputs) {
  if (survivors_.size() > 1 && stage_r_ < last_stage_) return;
  const double direction = settings_.maximize ? 1.0 : -1.0;
  std::uint32_t best = survivors_.front();
  for (std::uint32_t position : survivors_) {
    if (direction * outputs[members_[position]].mean > direction * outputs[members_[best]].mean) {
      best = position;
    }
  }
  for (std::uint32_t position : survivors_) targets[members_[position]] = rep(stage_r_);
  for (std::uint32_t position : survivors_) {
    const std::uint32_t system = members_[position];
    if (position != best) store.release(system, store.contiguous(system));
  }
  survivors_.assign(1, best);
  stage_ = Stage::kDone;
}

}  // namespace simsel
