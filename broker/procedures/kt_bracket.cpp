// See kt_bracket.h. With n entrants in G groups, q = n / G and the first n % G groups take one
// more, so group j begins at j q + min(j, n % G).
#include "broker/procedures/kt_bracket.h"

#include <algorithm>

namespace simsel {

KtBracket::KtBracket(std::uint64_t systems, std::uint64_t group_size) {
  std::uint64_t entrants = systems;
  do {
    const std::uint64_t groups = (entrants + group_size - 1) / group_size;
    entrants_.push_back(entrants);
    groups_.push_back(groups);
    entrants = groups;
  } while (entrants > 1);
}

std::uint64_t KtBracket::group_begin(std::uint32_t round, std::uint64_t group) const {
  const std::uint64_t base = entrants_[round] / groups_[round];
  return group * base + std::min(group, entrants_[round] % groups_[round]);
}

std::uint64_t KtBracket::group_size(std::uint32_t round, std::uint64_t group) const {
  const std::uint64_t base = entrants_[round] / groups_[round];
  return base + (group < entrants_[round] % groups_[round] ? 1 : 0);
}

std::uint64_t KtBracket::group_of(std::uint32_t round, std::uint64_t entrant) const {
  const std::uint64_t base = entrants_[round] / groups_[round];
  const std::uint64_t larger = entrants_[round] % groups_[round];
  const std::uint64_t in_larger_groups = larger * (base + 1);
  if (entrant < in_larger_groups) return entrant / (base + 1);
  return larger + (entrant - in_larger_groups) / base;
}

}  // namespace simsel
