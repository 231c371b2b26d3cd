// LeaderBoard and the guarantee sentence shared by the procedures.
#include "broker/procedures/estimates.h"

#include <catch2/catch.hpp>
#include <cmath>

using namespace simsel;

namespace {

WelfordAccumulator outputs_of(std::initializer_list<double> values) {
  WelfordAccumulator accumulator;
  for (double value : values) accumulator.add(value);
  return accumulator;
}

std::vector<std::uint64_t> systems_of(const LeaderBoard& board) {
  std::vector<std::uint64_t> systems;
  for (const SystemEstimate& leader : board.leaders()) systems.push_back(leader.system);
  return systems;
}

}  // namespace

TEST_CASE("LeaderBoard: keeps the best few - best first - ties to the lower index",
          "[procedures]") {
  LeaderBoard board(3, true);
  board.offer(0, outputs_of({1}));
  board.offer(1, outputs_of({5}));
  board.offer(2, outputs_of({}));  // no outputs yet: not ranked
  board.offer(3, outputs_of({3, 5}));
  board.offer(4, outputs_of({5}));
  board.offer(5, outputs_of({0}));
  CHECK(systems_of(board) == std::vector<std::uint64_t>{1, 4, 3});
  CHECK(board.leaders()[2].mean == 4.0);
  CHECK(board.leaders()[2].stddev == Approx(std::sqrt(2.0)));
  CHECK(board.leaders()[2].replications == 2);
}

TEST_CASE("LeaderBoard: smaller is better when minimizing", "[procedures]") {
  LeaderBoard board(2, false);
  board.offer(0, outputs_of({1}));
  board.offer(1, outputs_of({-2}));
  board.offer(2, outputs_of({7}));
  CHECK(systems_of(board) == std::vector<std::uint64_t>{1, 0});
}

TEST_CASE("Guarantee sentence shows the numbers as given", "[procedures]") {
  CHECK(indifference_zone_guarantee(0.05, 0.1) ==
        "with probability at least 95%, its mean is within 0.1 of the best");
  CHECK(indifference_zone_guarantee(0.025, 2.5) ==
        "with probability at least 97.5%, its mean is within 2.5 of the best");
}
