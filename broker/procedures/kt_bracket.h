// KtBracket: the layout of a knockout tournament, and nothing else (no sampling, no decisions).
// Round 0 splits the k systems, in index order, into ceil(k/g) groups whose sizes differ by at
// most one; each later round splits the previous round's winners, in group order, the same way,
// until a round has one group. Fixed by k and g alone, so the groups, and hence the answer, do
// not depend on how many workers run the job. Immutable after construction; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace simsel {

class KtBracket {
 public:
  // REQUIRES: systems >= 1, group_size >= 2
  KtBracket(std::uint64_t systems, std::uint64_t group_size);

  std::uint32_t rounds() const { return static_cast<std::uint32_t>(entrants_.size()); }
  // Entrants of `round` (0-based): k in round 0, then the previous round's group count.
  std::uint64_t entrants(std::uint32_t round) const { return entrants_[round]; }
  std::uint64_t groups(std::uint32_t round) const { return groups_[round]; }

  // Group `group` of `round` holds that round's entrants [group_begin, group_begin + group_size).
  std::uint64_t group_begin(std::uint32_t round, std::uint64_t group) const;
  std::uint64_t group_size(std::uint32_t round, std::uint64_t group) const;
  // The group of `round` that entrant `entrant` plays in (the inverse of the two above).
  std::uint64_t group_of(std::uint32_t round, std::uint64_t entrant) const;

 private:
  std::vector<std::uint64_t> entrants_;  // per round
  std::vector<std::uint64_t> groups_;    // per round
};

}  // namespace simsel
