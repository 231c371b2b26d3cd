// See fbkt.h. A group's round is decided only once every one of its players has folded its
// share, from those outputs alone, and groups never read each other's outputs: the decisions
// are a function of the outputs, not of the order they arrive in or of other groups' pace.
#include "broker/procedures/fbkt.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "broker/procedures/estimates.h"
#include "broker/procedures/procedure_catalog.h"

namespace simsel {

FbktProcedure::FbktProcedure(const ProcedureSpec& spec, std::uint64_t system_count,
                             std::uint64_t budget, std::uint32_t phi, std::uint64_t groups)
    : PerSystemProcedure(system_count, spec.n0),
      maximize_(spec.maximize),
      budget_(budget),
      phi_(phi),
      group_budget_(static_cast<double>(budget - std::uint64_t{spec.n0} * system_count) /
                    static_cast<double>(groups)),
      final_round_(static_cast<std::uint64_t>(std::ceil(
                       std::log2(static_cast<double>(system_count) / static_cast<double>(groups)))) +
                   1),
      groups_(groups),
      sum_at_round_start_(system_count, 0.0),
      groups_playing_(groups) {
  for (std::uint64_t system = 0; system < system_count; ++system)
    groups_[system % groups].alive.push_back(system);
  for (Group& group : groups_) group.pending = group.alive.size();
}

std::uint64_t FbktProcedure::round_share(std::uint64_t round, std::uint32_t phi,
                                         double group_budget) {
  const double r = static_cast<double>(round);
  const double shrink = static_cast<double>(phi - 1) / static_cast<double>(phi);
  return static_cast<std::uint64_t>(
      std::floor(r / (static_cast<double>(phi - 1) * phi) * std::pow(shrink, r) * group_budget));
}

bool FbktProcedure::ranks_above(std::uint64_t a, std::uint64_t b) const {
  const double mean_a = outputs_[a].mean, mean_b = outputs_[b].mean;
  if (mean_a != mean_b) return maximize_ ? mean_a > mean_b : mean_a < mean_b;
  return a < b;
}

double FbktProcedure::round_sum(std::uint64_t system) const {
  return outputs_[system].mean * static_cast<double>(outputs_[system].count) -
         sum_at_round_start_[system];
}

void FbktProcedure::begin_sampling(std::uint64_t system, std::uint64_t replications) {
  sum_at_round_start_[system] =
      outputs_[system].mean * static_cast<double>(outputs_[system].count);
  set_target(system, targets_[system] + replications);
}

Status FbktProcedure::extend_budget(std::uint64_t budget) {
  if (Status larger = check_larger_budget(budget, budget_); !larger) return larger;
  // Rounds already started keep their shares; the later ones, and the final, grow.
  group_budget_ += static_cast<double>(budget - budget_) / static_cast<double>(groups_.size());
  budget_ = budget;
  return Ok{};
}

void FbktProcedure::advance(SampleStore& store) {
  if (done_) return;
  for (std::uint64_t system : fold_new_outputs(store)) {
    if (in_final_) {
      if (--final_pending_ == 0) decide_final();
    } else {
      const std::uint64_t g = system % groups_.size();
      if (--groups_[g].pending == 0) decide_round(g);
    }
  }
}

void FbktProcedure::start_round(std::uint64_t g) {
  Group& group = groups_[g];
  ++group.round;
  const std::uint64_t each = round_share(group.round, phi_, group_budget_) / group.alive.size();
  std::vector<std::uint64_t> ranked = group.alive;
  std::sort(ranked.begin(), ranked.end(),
            [this](std::uint64_t a, std::uint64_t b) { return ranks_above(a, b); });
  // An odd one out, the best, sits the round out; the rest pair worst with best.
  const std::size_t first = ranked.size() % 2;
  group.players.clear();
  for (std::size_t j = 0; first + j < ranked.size() - 1 - j; ++j) {
    group.players.push_back(ranked[ranked.size() - 1 - j]);
    group.players.push_back(ranked[first + j]);
  }
  group.alive.assign(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(first));
  group.pending = each > 0 ? group.players.size() : 0;
  if (each > 0)
    for (std::uint64_t player : group.players) begin_sampling(player, each);
  if (group.pending == 0) decide_round(g);
}

void FbktProcedure::decide_round(std::uint64_t g) {
  Group& group = groups_[g];
  if (group.round > 0) {  // a knockout round, not seeding: the winners join the bye
    for (std::size_t j = 0; j + 1 < group.players.size(); j += 2) {
      const std::uint64_t a = group.players[j], b = group.players[j + 1];
      const double sum_a = round_sum(a), sum_b = round_sum(b);
      const bool a_wins = sum_a != sum_b ? (maximize_ ? sum_a > sum_b : sum_a < sum_b)
                                         : ranks_above(a, b);
      group.alive.push_back(a_wins ? a : b);
    }
    group.players.clear();
  }
  if (group.alive.size() > 1) return start_round(g);
  if (--groups_playing_ == 0) start_final();
}

void FbktProcedure::start_final() {
  for (const Group& group : groups_) finalists_.push_back(group.alive.front());
  if (finalists_.size() == 1) {
    best_ = estimate_of(finalists_.front(), outputs_[finalists_.front()]);
    done_ = true;
    return;
  }
  in_final_ = true;
  const std::uint64_t each = round_share(final_round_, phi_, group_budget_);
  final_pending_ = each > 0 ? finalists_.size() : 0;
  if (each > 0)
    for (std::uint64_t finalist : finalists_) begin_sampling(finalist, each);
  if (final_pending_ == 0) decide_final();
}

void FbktProcedure::decide_final() {
  // Every finalist drew the same number of final outputs: the largest sum is the largest mean.
  std::uint64_t best = finalists_.front();
  for (std::uint64_t finalist : finalists_) {
    const double sum = round_sum(finalist), best_sum = round_sum(best);
    if (sum != best_sum ? (maximize_ ? sum > best_sum : sum < best_sum) : ranks_above(finalist, best))
      best = finalist;
  }
  best_ = estimate_of(best, outputs_[best]);
  in_final_ = false;
  done_ = true;
}

Selection FbktProcedure::selection() const {
  return {best_, replications_consumed_,
          "fixed budget of " + std::to_string(budget_) + " replications (" +
              std::to_string(replications_consumed_) +
              " spent): no probability-of-correct-selection guarantee"};
}

ProcedureProgress FbktProcedure::progress() const {
  ProcedureProgress progress;
  progress.replications = replications_consumed_;
  std::vector<std::uint64_t> contenders;
  if (done_) {
    progress.stage = "done";
    contenders.push_back(best_.system);
  } else if (in_final_) {
    progress.stage = "final";
    contenders = finalists_;
  } else {
    std::uint64_t slowest = UINT64_MAX;
    for (const Group& group : groups_) {
      contenders.insert(contenders.end(), group.alive.begin(), group.alive.end());
      contenders.insert(contenders.end(), group.players.begin(), group.players.end());
      if (group.alive.size() + group.players.size() > 1) slowest = std::min(slowest, group.round);
    }
    progress.stage = slowest == 0 ? "first stage" : "knockout";
    progress.round = slowest == UINT64_MAX ? 0 : slowest;
    progress.rounds = final_round_ - (groups_.size() == 1 ? 1 : 0);
  }
  progress.survivors = contenders.size();
  progress.leaders = leaders_among(contenders, outputs_, maximize_, kLeaderCount);
  return progress;
}

namespace {

Result<std::unique_ptr<Procedure>> make_fbkt(const ProcedureSpec& spec,
                                             std::uint64_t system_count) {
  if (Status budget = check_budget(spec, system_count); !budget) return budget.error();
  const auto groups = spec.params["groups"].get<std::uint64_t>();
  if (groups > system_count)
    return make_error("params.groups: must be <= the number of systems (" +
                      std::to_string(system_count) + ")");
  return std::unique_ptr<Procedure>(std::make_unique<FbktProcedure>(
      spec, system_count, spec.params["budget"].get<std::uint64_t>(),
      spec.params["phi"].get<std::uint32_t>(), groups));
}

}  // namespace

const ProcedureDescription& fbkt_description() {
  static const ProcedureDescription description{
      "fbkt",
      "fixed-budget knockout tournament (Hong, Jiang and Zhong 2022): knockouts in groups with "
      "a budget shrinking geometrically by round, then a final of the group winners",
      false,
      kFixedBudgetGuarantee,
      1,
      {{"budget", budget_schema()},
       {"phi",
        {{"type", "integer"},
         {"minimum", 2},
         {"maximum", 100},
         {"default", FbktProcedure::kDefaultPhi},
         {"help", "budget decay: round r gets r/((phi-1) phi) ((phi-1)/phi)^r of a group's budget"}}},
       {"groups",
        {{"type", "integer"},
         {"minimum", 1},
         {"maximum", 1'000'000},
         {"default", 1},
         {"help", "knockouts played side by side (system i in group i mod groups); their "
                  "winners play a final. PyPRS uses its processor count"}}}},
      make_fbkt};
  return description;
}

}  // namespace simsel
