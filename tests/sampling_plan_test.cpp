// SamplingPlan: hands out what targets want, breadth-first, never twice (unless given back).
#include "broker/sampling/sampling_plan.h"

#include <catch2/catch.hpp>

using namespace simsel;

namespace {
std::uint64_t cells(const std::vector<TaskEntry>& entries) {
  std::uint64_t total = 0;
  for (const auto& e : entries) total += e.rep_count;
  return total;
}
}  // namespace

TEST_CASE("the plan spreads a task over all needy systems", "[sampling]") {
  SamplingPlan plan(3);
  std::vector<std::uint64_t> targets = {100, 100, 100};
  auto entries = plan.next(targets, 60);
  REQUIRE(entries.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(entries[i].system == i);
    CHECK(entries[i].rep_begin == 0);
    CHECK(entries[i].rep_count == 20);
  }
  auto second = plan.next(targets, 60);
  REQUIRE(second.size() == 3);
  CHECK(second[0].rep_begin == 20);
}

TEST_CASE("with many needy systems each visit still gives 16, or what the system wants",
          "[sampling]") {
  SamplingPlan plan(100);
  std::vector<std::uint64_t> targets(100, 20);
  targets[1] = 5;
  const auto entries = plan.next(targets, 40);  // 40 cells over 100 systems
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].rep_count == 16);
  CHECK(entries[1].rep_count == 5);
  CHECK(entries[2].rep_count == 16);
  CHECK(entries[3].rep_count == 3);  // the task's last cells
  const auto next = plan.next(targets, 40);
  REQUIRE_FALSE(next.empty());
  CHECK(next[0].system == 4);  // round-robin: carries on where the last task stopped
  CHECK(next[0].rep_count == 16);
}

TEST_CASE("the plan never exceeds targets and stops when they are met", "[sampling]") {
  SamplingPlan plan(2);
  std::vector<std::uint64_t> targets = {3, 5};
  std::uint64_t handed = 0;
  for (int i = 0; i < 10; ++i) handed += cells(plan.next(targets, 4));
  CHECK(handed == 8);
  CHECK(plan.issued(0) == 3);
  CHECK(plan.issued(1) == 5);
  CHECK(plan.next(targets, 4).empty());
}

TEST_CASE("raised targets are seen after targets_changed", "[sampling]") {
  SamplingPlan plan(2);
  std::vector<std::uint64_t> targets = {2, 2};
  CHECK(cells(plan.next(targets, 100)) == 4);
  targets = {2, 7};
  plan.targets_changed();
  auto entries = plan.next(targets, 100);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].system == 1);
  CHECK(entries[0].rep_begin == 2);
  CHECK(entries[0].rep_count == 5);
}

TEST_CASE("work given back is handed out first", "[sampling]") {
  SamplingPlan plan(2);
  std::vector<std::uint64_t> targets = {4, 4};
  (void)plan.next(targets, 2);
  protocol::Task lost{1, 1, {1}, {0}, {1}};
  plan.give_back(lost);
  auto entries = plan.next(targets, 2);
  REQUIRE_FALSE(entries.empty());
  CHECK(entries[0].system == 1);
  CHECK(entries[0].rep_begin == 0);
  CHECK(entries[0].rep_count == 1);
}

TEST_CASE("skipped replications are never issued", "[sampling]") {
  SamplingPlan plan(2);
  SampleStore store(2);
  std::vector<std::uint64_t> targets = {2, 2};
  REQUIRE(cells(plan.next(targets, 4)) == 4);
  store.skip_to(0, 10);  // the procedure will read system 0 from replication 10 on
  plan.skip_unwanted(store);
  CHECK(plan.issued(0) == 10);
  CHECK(plan.issued(1) == 2);
  targets = {12, 4};
  plan.targets_changed();
  const auto entries = plan.next(targets, 100);
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].system == 0);
  CHECK(entries[0].rep_begin == 10);
  CHECK(entries[0].rep_count == 2);
  CHECK(entries[1].rep_begin == 2);
}
