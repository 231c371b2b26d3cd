// KtProcedure: Zhong and Hong's (2022) knockout tournament. The systems are split into groups of
// at most g (KtBracket); inside each group a KN match (KnContest) at alpha_r = alpha / 2^r for
// round r = 1, 2, ... picks a winner; winners advance until one remains. A match starts as soon
// as the matches feeding it are decided, so many matches of several rounds run at once and a slow
// one holds up only its own bracket. Each match reads fresh outputs, from the replication where
// its most-sampled member left off (the others skip ahead), so with CRN the members of a match
// share random numbers. State per system: a target, two accumulators and its match (60 bytes)
// plus the O(g^2) pair values of the matches in play: 10^6 systems fit in a few hundred MB.
// Not thread-safe: driven by one thread, like every Procedure.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "broker/procedures/kn_contest.h"
#include "broker/procedures/kt_bracket.h"
#include "broker/procedures/procedure.h"
#include "common/stats/welford.h"

namespace simsel {

class KtProcedure final : public Procedure {
 public:
  // Zhong and Hong's and PyPRS's choice.
  static constexpr std::uint64_t kDefaultGroupSize = 20;

  // REQUIRES: spec validated by make_procedure (n0 >= 2), system_count >= 2, group_size >= 2,
  //           system_count < 2^32
  KtProcedure(const ProcedureSpec& spec, std::uint64_t system_count, std::uint64_t group_size);

  // Round-0 members want n0 outputs at first; a match's members then want outputs from its first
  // replication on, up to its KN last stage; losers drop to what they consumed.
  std::span<const std::uint64_t> targets() const override { return targets_; }
  void advance(SampleStore& store) override;
  bool finished() const override { return champion_.has_value(); }
  Selection selection() const override;
  ProcedureProgress progress() const override;
  // Over every output the system has consumed, in all its matches.
  SystemEstimate estimate(std::uint64_t system) const override;
  std::uint64_t replications_consumed() const override { return replications_consumed_; }

 private:
  struct Match {
    std::uint32_t round;
    std::uint64_t group;
    KnContest contest;
  };
  static constexpr std::uint32_t kUndecided = UINT32_MAX;
  static constexpr std::uint32_t kNoMatch = UINT32_MAX;

  KnSettings settings_for(std::uint32_t round, std::uint64_t members) const;
  void start_group(SampleStore* store, std::uint32_t round, std::uint64_t group);
  void finish_match(SampleStore& store, Match& match);
  void decide(SampleStore* store, std::uint32_t round, std::uint64_t group, std::uint32_t winner,
              std::uint64_t next_rep);
  void play_due_matches(SampleStore& store);
  WelfordAccumulator all_outputs(std::uint64_t system) const;
  std::uint32_t front_round() const;

  ProcedureSpec spec_;
  KtBracket bracket_;
  std::vector<std::uint64_t> targets_;
  std::vector<WelfordAccumulator> finished_matches_;  // outputs of a system's decided matches
  std::vector<WelfordAccumulator> current_match_;     // outputs of its match in play
  // Per round and group: the winner (kUndecided until then) and the replication it stopped at.
  std::vector<std::vector<std::uint32_t>> winners_;
  std::vector<std::vector<std::uint64_t>> winners_next_rep_;
  // Per round >= 1 and group: the groups feeding it that are still undecided.
  std::vector<std::vector<std::uint32_t>> feeders_pending_;
  std::vector<std::uint64_t> decided_groups_;  // per round
  // The matches in play, in slots that keep their index while the match lasts (free slots are
  // empty and reused), so that a system can name its match: match_of_[system] is its slot, or
  // kNoMatch. An advance visits only the due matches: those whose members got new outputs
  // (SampleStore::take_grown) and those just started. With 50,000 matches in round 1 of a
  // 10^6-system job, visiting all of them on every advance was most of the broker's time.
  std::vector<std::optional<Match>> matches_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::uint32_t> match_of_;
  std::vector<std::uint32_t> due_;
  std::vector<std::uint64_t> byes_;  // round-0 groups of one, decided on first advance
  std::uint64_t eliminated_ = 0;     // members of matches, decided or not, knocked out so far
  std::uint64_t replications_consumed_ = 0;
  std::optional<std::uint32_t> champion_;
};

}  // namespace simsel
