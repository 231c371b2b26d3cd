// KtBracket: round and group layout, balanced sizes, and group_of as the inverse of the ranges.
#include "broker/procedures/kt_bracket.h"

#include <catch2/catch.hpp>

using simsel::KtBracket;

TEST_CASE("KtBracket: 45 systems in groups of 20 play 3 groups of 15, then one of 3",
          "[procedures]") {
  const KtBracket bracket(45, 20);
  REQUIRE(bracket.rounds() == 2);
  CHECK(bracket.entrants(0) == 45);
  CHECK(bracket.groups(0) == 3);
  for (std::uint64_t group = 0; group < 3; ++group) {
    CHECK(bracket.group_begin(0, group) == 15 * group);
    CHECK(bracket.group_size(0, group) == 15);
  }
  CHECK(bracket.entrants(1) == 3);
  CHECK(bracket.groups(1) == 1);
  CHECK(bracket.group_size(1, 0) == 3);
}

TEST_CASE("KtBracket: as few systems as a group holds play one round", "[procedures]") {
  const KtBracket bracket(20, 20);
  CHECK(bracket.rounds() == 1);
  CHECK(bracket.group_size(0, 0) == 20);
}

TEST_CASE("KtBracket: an odd count in pairs leaves a group of one (a bye)", "[procedures]") {
  const KtBracket bracket(3, 2);
  REQUIRE(bracket.rounds() == 2);
  CHECK(bracket.group_size(0, 0) == 2);
  CHECK(bracket.group_size(0, 1) == 1);
  CHECK(bracket.group_size(1, 0) == 2);
}

TEST_CASE("KtBracket: groups tile every round, differ by at most one, and group_of inverts them",
          "[procedures]") {
  for (std::uint64_t systems : {2, 7, 100, 1001, 57624}) {
    for (std::uint64_t group_size : {2, 3, 20}) {
      const KtBracket bracket(systems, group_size);
      CHECK(bracket.groups(bracket.rounds() - 1) == 1);
      for (std::uint32_t round = 0; round < bracket.rounds(); ++round) {
        std::uint64_t next = 0;
        for (std::uint64_t group = 0; group < bracket.groups(round); ++group) {
          REQUIRE(bracket.group_begin(round, group) == next);
          const std::uint64_t size = bracket.group_size(round, group);
          CHECK(size <= group_size);
          CHECK(size + 1 >= bracket.entrants(round) / bracket.groups(round));
          for (std::uint64_t entrant = next; entrant < next + size; ++entrant) {
            REQUIRE(bracket.group_of(round, entrant) == group);
          }
          next += size;
        }
        CHECK(next == bracket.entrants(round));
        if (round + 1 < bracket.rounds()) {
          CHECK(bracket.entrants(round + 1) == bracket.groups(round));
        }
      }
    }
  }
}
