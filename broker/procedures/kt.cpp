// See kt.h. Why fresh outputs per match: the guarantee is a union bound over the best system's
// matches (it loses match r with probability at most alpha / 2^r), and each match's KN error
// bound needs outputs that did not decide who entered it. Why matches start where their
// most-sampled member stopped: each member's outputs there are unused, and with CRN replication
// r of every member then shares random numbers, as KN's paired variances assume. Every decision
// depends only on complete prefixes, so the bracket plays out the same on any cluster.
#include "broker/procedures/kt.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "broker/procedures/estimates.h"
#include "broker/procedures/procedure_catalog.h"

namespace simsel {

KtProcedure::KtProcedure(const ProcedureSpec& spec, std::uint64_t system_count,
                         std::uint64_t group_size)
    : spec_(spec),
      bracket_(system_count, group_size),
      targets_(system_count, 0),
      finished_matches_(system_count),
      current_match_(system_count),
      decided_groups_(bracket_.rounds(), 0),
      match_of_(system_count, kNoMatch) {
  for (std::uint32_t round = 0; round < bracket_.rounds(); ++round) {
    winners_.emplace_back(bracket_.groups(round), kUndecided);
    winners_next_rep_.emplace_back(bracket_.groups(round), 0);
    std::vector<std::uint32_t> feeders(bracket_.groups(round));
    for (std::uint64_t group = 0; group < feeders.size(); ++group) {
      feeders[group] = static_cast<std::uint32_t>(bracket_.group_size(round, group));
    }
    feeders_pending_.push_back(round == 0 ? std::vector<std::uint32_t>() : std::move(feeders));
  }
  for (std::uint64_t group = 0; group < bracket_.groups(0); ++group) {
    if (bracket_.group_size(0, group) == 1) {
      byes_.push_back(group);
    } else {
      start_group(nullptr, 0, group);
    }
  }
}

KnSettings KtProcedure::settings_for(std::uint32_t round, std::uint64_t members) const {
  const double alpha_round = std::ldexp(spec_.alpha, -static_cast<int>(round + 1));
  return {spec_.delta, spec_.n0, spec_.maximize, kn_constants(members, alpha_round, spec_.n0)};
}

// `store` is null only for round 0 in the constructor, where every match starts at replication 0
// and nothing needs skipping.
void KtProcedure::start_group(SampleStore* store, std::uint32_t round, std::uint64_t group) {
  const std::uint64_t begin = bracket_.group_begin(round, group);
  const std::uint64_t size = bracket_.group_size(round, group);
  std::vector<std::uint32_t> members;
  std::uint64_t first_rep = 0;
  for (std::uint64_t entrant = begin; entrant < begin + size; ++entrant) {
    members.push_back(round == 0 ? static_cast<std::uint32_t>(entrant)
                                 : winners_[round - 1][entrant]);
    if (round > 0) first_rep = std::max(first_rep, winners_next_rep_[round - 1][entrant]);
  }
  if (members.size() == 1) {
    decide(store, round, group, members.front(), first_rep);
    return;
  }
  std::uint32_t slot = static_cast<std::uint32_t>(matches_.size());
  if (free_slots_.empty()) {
    matches_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  for (std::uint32_t system : members) {
    if (store != nullptr) store->skip_to(system, first_rep);
    targets_[system] = first_rep + spec_.n0;
    match_of_[system] = slot;
  }
  const KnSettings settings = settings_for(round, members.size());
  matches_[slot].emplace(Match{round, group, KnContest(std::move(members), first_rep, settings)});
  // Its members may already hold outputs it can use (a winner's look-ahead).
  due_.push_back(slot);
}

void KtProcedure::decide(SampleStore* store, std::uint32_t round, std::uint64_t group,
                         std::uint32_t winner, std::uint64_t next_rep) {
  ++decided_groups_[round];
  if (round + 1 == bracket_.rounds()) {
    champion_ = winner;
    return;
  }
  winners_[round][group] = winner;
  winners_next_rep_[round][group] = next_rep;
  const std::uint64_t parent = bracket_.group_of(round + 1, group);
  if (--feeders_pending_[round + 1][parent] == 0) start_group(store, round + 1, parent);
}

void KtProcedure::finish_match(SampleStore& store, Match& match) {
  for (std::uint32_t system : match.contest.members()) {
    finished_matches_[system].merge(current_match_[system]);
    current_match_[system] = {};
    match_of_[system] = kNoMatch;
  }
  decide(&store, match.round, match.group, match.contest.winner(), match.contest.next_rep());
}

void KtProcedure::advance(SampleStore& store) {
  for (std::uint64_t group : std::exchange(byes_, {})) {
    decide(&store, 0, group, static_cast<std::uint32_t>(bracket_.group_begin(0, group)), 0);
  }
  for (std::uint64_t system : store.take_grown()) {
    if (match_of_[system] != kNoMatch) due_.push_back(match_of_[system]);
  }
  std::sort(due_.begin(), due_.end());
  due_.erase(std::unique(due_.begin(), due_.end()), due_.end());
  play_due_matches(store);
}

// Matches started here are appended to due_ and played in the same pass. Matches share no
// outputs, so the order they are played in changes no decision.
void KtProcedure::play_due_matches(SampleStore& store) {
  for (std::size_t index = 0; index < due_.size() && !champion_; ++index) {
    const std::uint32_t slot = due_[index];
    KnContest& contest = matches_[slot]->contest;
    const std::uint64_t survivors_before = contest.survivor_count();
    replications_consumed_ += contest.advance(store, targets_, current_match_);
    eliminated_ += survivors_before - contest.survivor_count();
    if (!contest.decided()) continue;
    Match decided = std::move(*matches_[slot]);
    matches_[slot].reset();
    free_slots_.push_back(slot);
    finish_match(store, decided);
  }
  due_.clear();
}

WelfordAccumulator KtProcedure::all_outputs(std::uint64_t system) const {
  WelfordAccumulator outputs = finished_matches_[system];
  outputs.merge(current_match_[system]);
  return outputs;
}

SystemEstimate KtProcedure::estimate(std::uint64_t system) const {
  return estimate_of(system, all_outputs(system));
}

Selection KtProcedure::selection() const {
  return {estimate(*champion_), replications_consumed_,
          indifference_zone_guarantee(spec_.alpha, spec_.delta)};
}

// The earliest round with a match not yet decided: the rounds before it are complete.
std::uint32_t KtProcedure::front_round() const {
  std::uint32_t round = 0;
  while (round + 1 < bracket_.rounds() && decided_groups_[round] == bracket_.groups(round)) {
    ++round;
  }
  return round;
}

ProcedureProgress KtProcedure::progress() const {
  ProcedureProgress progress;
  progress.stage = finished() ? "done" : "knockout";
  progress.round = front_round() + 1;
  progress.rounds = bracket_.rounds();
  progress.replications = replications_consumed_;
  LeaderBoard leaders(kLeaderCount, spec_.maximize);
  for (const std::optional<Match>& match : matches_) {
    if (!match) continue;
    match->contest.for_each_survivor(
        [&](std::uint32_t system) { leaders.offer(system, all_outputs(system)); });
  }
  if (champion_) leaders.offer(*champion_, all_outputs(*champion_));
  progress.survivors = targets_.size() - eliminated_;
  progress.leaders = leaders.leaders();
  return progress;
}

namespace {

Result<std::unique_ptr<Procedure>> make_kt(const ProcedureSpec& spec, std::uint64_t system_count) {
  if (system_count > UINT32_MAX) {
    return make_error("systems: kt supports at most " + std::to_string(UINT32_MAX) +
                      " systems");
  }
  return std::unique_ptr<Procedure>(std::make_unique<KtProcedure>(
      spec, system_count, spec.params["group_size"].get<std::uint64_t>()));
}

}  // namespace

const ProcedureDescription& kt_description() {
  static const ProcedureDescription description{
      "kt",
      "knockout tournament (Zhong and Hong 2022): KN matches in groups, winners advance; for "
      "thousands to millions of systems",
      true,
      kIndifferenceZoneGuarantee,
      2,
      {{"group_size",
        {{"type", "integer"},
         {"minimum", 2},
         {"maximum", 1'000'000},
         {"default", KtProcedure::kDefaultGroupSize},
         {"help", "systems per KN match (g)"}}}},
      make_kt};
  return description;
}

}  // namespace simsel
