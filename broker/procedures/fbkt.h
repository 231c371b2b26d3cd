// FbktProcedure: the fixed-budget knockout tournament of Hong, Jiang and Zhong (INFORMS Journal
// on Computing 34(6), 2022), as PyPRS runs it, with the groups a job parameter rather than the
// processor count. Every system takes n0 (seeding); systems are dealt round-robin into `groups`
// groups (system i to group i mod groups), and each group plays a knockout: round r gets
// floor(r / ((phi-1) phi) * ((phi-1)/phi)^r * B) replications, B = (N - n0 k) / groups, split
// equally (rounded down) among the group's alive systems. Alive systems are sorted by their
// cumulative mean; the worst plays the best, the second worst the second best, and so on, and
// with an odd count the best sits the round out (a bye, no replications). Each player draws its
// share of fresh replications, and the larger sum of that round's outputs wins (equal sums: the
// better cumulative mean; a share of zero: the better cumulative mean). A group ends after
// ceil(log2 k_g) rounds with one winner; with several groups the winners play a final of round
// R + 1's share each (R = ceil(log2(k / groups))), and the largest mean of the final's outputs is
// selected. Replications spent never exceed N; the rounding leaves some unspent, as in PyPRS.
// No indifference-zone guarantee: delta and alpha are unused. Groups advance independently, each
// deciding only from its own outputs, so the answer does not depend on timing or workers.
// With CRN, the two players of a match draw the same replication numbers unless one of them
// sat out an earlier round (the bye skips no replication numbers: targets are prefixes).
// Memory: one accumulator, target and round-start sum per system. Not thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "broker/procedures/per_system_procedure.h"

namespace simsel {

class FbktProcedure final : public PerSystemProcedure {
 public:
  static constexpr std::uint32_t kDefaultPhi = 3;

  // REQUIRES: spec validated by make_procedure, budget >= spec.n0 * system_count, phi >= 2,
  //           1 <= groups <= system_count
  FbktProcedure(const ProcedureSpec& spec, std::uint64_t system_count, std::uint64_t budget,
                std::uint32_t phi, std::uint64_t groups);

  // The share of round r (1-based) of a group's budget B.
  static std::uint64_t round_share(std::uint64_t round, std::uint32_t phi, double group_budget);

  void advance(SampleStore& store) override;
  bool finished() const override { return done_; }
  Selection selection() const override;
  ProcedureProgress progress() const override;
  Status extend_budget(std::uint64_t budget) override;

 private:
  struct Group {
    std::vector<std::uint64_t> alive;     // systems still in its knockout
    std::vector<std::uint64_t> players;   // this round's: pairs as (players[2j], players[2j+1])
    std::uint64_t round = 0;              // 0: seeding
    std::uint64_t pending = 0;            // players short of their round's target
  };

  // Whether `a`'s cumulative mean is better than `b`'s (ties: the lower index).
  bool ranks_above(std::uint64_t a, std::uint64_t b) const;
  double round_sum(std::uint64_t system) const;
  void start_round(std::uint64_t group);
  void decide_round(std::uint64_t group);
  void start_final();
  void decide_final();
  void begin_sampling(std::uint64_t system, std::uint64_t replications);

  bool maximize_;
  std::uint64_t budget_;
  std::uint32_t phi_;
  double group_budget_;                 // B
  std::uint64_t final_round_;           // R + 1
  std::vector<Group> groups_;
  std::vector<double> sum_at_round_start_;  // per system: sum of outputs before this round
  std::uint64_t groups_playing_;        // groups whose knockout has not ended
  std::vector<std::uint64_t> finalists_;
  std::uint64_t final_pending_ = 0;
  bool in_final_ = false;
  bool done_ = false;
  SystemEstimate best_;
};

}  // namespace simsel
