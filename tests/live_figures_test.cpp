// LiveFigures (tools/cli/live_figures.h): the stage in words, the fraction of the stage done,
// the time left at the stage's own pace, and nothing claimed for an unbounded stage.
#include "tools/cli/live_figures.h"

#include <catch2/catch.hpp>

using nlohmann::json;
using simsel::LiveFigures;

namespace {

json running(const std::string& stage, std::uint64_t round, std::uint64_t rounds,
             std::uint64_t used) {
  return {{"job_id", 4},
          {"state", "running"},
          {"procedure", "kn"},
          {"systems", 10},
          {"n0", 20},
          {"total_replications", used},
          {"simulated_replications", used + 5},
          {"replications_per_second", 1000.0},
          {"wall_seconds", 2.0},
          {"progress", {{"stage", stage}, {"round", round}, {"rounds", rounds}, {"survivors", 7}}}};
}

}  // namespace

TEST_CASE("LiveFigures: the stage in words names round and rounds", "[live]") {
  CHECK(simsel::stage_words(running("screening", 3, 10, 0)) == "screening round 3 of 10");
  CHECK(simsel::stage_words(running("screening", 4, 0, 0)) == "screening round 4");
  CHECK(simsel::stage_words(running("first stage", 0, 0, 0)) == "first stage");
  json waiting = running("screening", 3, 10, 0);
  waiting["waiting"] = "waiting for a worker that offers model 'mm1'";
  CHECK(simsel::stage_words(waiting) == "waiting for a worker that offers model 'mm1'");
  json paused = running("screening", 3, 10, 0);
  paused["paused"] = true;
  CHECK(simsel::stage_words(paused) == "paused by a user");
}

TEST_CASE("LiveFigures: fraction of the first stage and of a bounded stage", "[live]") {
  CHECK(*simsel::stage_fraction(running("first stage", 0, 0, 50)) == Approx(0.25));
  CHECK(*simsel::stage_fraction(running("screening", 3, 10, 500)) == Approx(0.2));
  CHECK_FALSE(simsel::stage_fraction(running("screening", 3, 0, 500)).has_value());
  json ended = running("done", 0, 0, 900);
  ended["state"] = "succeeded";
  CHECK(*simsel::stage_fraction(ended) == 1.0);
}

TEST_CASE("LiveFigures: time left follows the stage's pace and restarts with a new stage",
          "[live]") {
  LiveFigures live;
  auto first = live.update(running("first stage", 0, 0, 50), 100.0);  // 25% at t=100
  CHECK_FALSE(first.seconds_left.has_value());
  auto later = live.update(running("first stage", 0, 0, 100), 102.0);  // 50% at t=102
  REQUIRE(later.seconds_left.has_value());
  CHECK(*later.seconds_left == Approx(4.0));
  CHECK(later.replications == 105);
  CHECK(later.survivors == 7);
  CHECK(later.stage == "first stage");
  auto next = live.update(running("screening", 1, 10, 300), 103.0);  // new stage: no pace yet
  CHECK_FALSE(next.seconds_left.has_value());
  auto unbounded = live.update(running("screening", 5, 0, 400), 104.0);
  CHECK_FALSE(unbounded.fraction.has_value());
  CHECK_FALSE(unbounded.seconds_left.has_value());
  CHECK(unbounded.to_json()["stage_seconds_left"].is_null());
}

TEST_CASE("LiveFigures: durations in words", "[live]") {
  CHECK(simsel::duration_words(4.25) == "4.2 s");
  CHECK(simsel::duration_words(185) == "3 min 05 s");
  CHECK(simsel::duration_words(7380) == "2 h 03 min");
}
