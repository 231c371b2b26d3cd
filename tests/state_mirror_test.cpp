// The Clone-pattern mirror of simsel-web: updates held until the snapshot, stale ones dropped,
// newer ones applied in order, a gap detected, and every change reported.
#include "frontend/server/state_mirror.h"

#include <catch2/catch.hpp>

using namespace simsel;
using namespace simsel::web;
using nlohmann::json;

namespace {

protocol::Document stats(std::uint64_t seq, std::uint64_t job_id, const char* state) {
  return {"STATS", {{"seq", seq}, {"job_id", job_id}, {"state", state}}};
}

struct Recorder {
  std::vector<json> changes;
  StateMirror mirror{[this](StateMirror::Kind kind, const json& document) {
    changes.push_back(
        {{"kind", kind == StateMirror::Kind::kJob ? "job" : "cluster"}, {"document", document}});
  }};
};

json snapshot(std::uint64_t seq) {
  return {{"seq", seq},
          {"jobs", {{{"job_id", 1}, {"state", "running"}}}},
          {"cluster", {{"workers", json::array()}, {"slots", 0}}}};
}

}  // namespace

TEST_CASE("updates before the snapshot are held, then applied if newer", "[web][mirror]") {
  Recorder recorder;
  CHECK(recorder.mirror.apply_update(stats(4, 1, "queued")) == StateMirror::Outcome::kHeld);
  CHECK(recorder.mirror.apply_update(stats(6, 1, "succeeded")) == StateMirror::Outcome::kHeld);
  CHECK_FALSE(recorder.mirror.synced());
  recorder.mirror.apply_snapshot(snapshot(5));
  CHECK(recorder.mirror.synced());
  CHECK(recorder.mirror.seq() == 6);
  CHECK(recorder.mirror.job(1)->at("state") == "succeeded");
  // Snapshot: the job and the cluster; then the held update 6 (4 was older than the snapshot).
  REQUIRE(recorder.changes.size() == 3);
  CHECK(recorder.changes[2]["document"]["seq"] == 6);
}

TEST_CASE("after the snapshot, stale updates are dropped and the next one applied",
          "[web][mirror]") {
  Recorder recorder;
  recorder.mirror.apply_snapshot(snapshot(10));
  CHECK(recorder.mirror.apply_update(stats(9, 1, "queued")) == StateMirror::Outcome::kStale);
  CHECK(recorder.mirror.apply_update(stats(11, 2, "queued")) == StateMirror::Outcome::kApplied);
  CHECK(recorder.mirror.jobs().size() == 2);
  protocol::Document cluster{"CLUSTER",
                             {{"seq", 12}, {"published_at", 5}, {"workers", json::array()}}};
  CHECK(recorder.mirror.apply_update(cluster) == StateMirror::Outcome::kApplied);
  CHECK(recorder.mirror.cluster()["workers_alive"] == 0);
}

TEST_CASE("a gap in the sequence numbers asks for a new snapshot", "[web][mirror]") {
  Recorder recorder;
  recorder.mirror.apply_snapshot(snapshot(10));
  CHECK(recorder.mirror.apply_update(stats(12, 1, "running")) == StateMirror::Outcome::kGap);
  CHECK_FALSE(recorder.mirror.synced());
  CHECK(recorder.mirror.apply_update(stats(13, 1, "running")) == StateMirror::Outcome::kHeld);
  recorder.mirror.apply_snapshot(snapshot(12));
  CHECK(recorder.mirror.seq() == 13);
}
