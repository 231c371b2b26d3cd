// A job resumed from its checkpoints ends as if it had never stopped: for every registered
// procedure and several kill points, the job is driven as the broker would (tasks out of order,
// checkpoints every few results), "killed" (everything since the last checkpoint lost, in-flight
// tasks with it), made again from its spec, restored and run to its end; its selected system, mean
// and total replications must equal an undisturbed run's bit for bit. Also: an EXTEND logged
// before the kill applies at the same point on replay, a damaged log fails the resume, and the
// job store keeps the log as file segments with a row per checkpoint.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <deque>
#include <filesystem>
#include <memory>
#include <random>

#include "broker/procedures/procedure.h"
#include "broker/server/job.h"
#include "broker/store/job_store.h"
#include "common/models/model_catalog.h"
#include "common/protocol/client_requests.h"
#include "common/rng/replication_streams.h"
#include "nodes/models/model.h"
#include "nodes/worker/replicate.h"

using namespace simsel;

namespace {

nlohmann::json spec_for(const std::string& procedure) {
  nlohmann::json spec = {
      {"model", "normal"},
      {"procedure", procedure},
      {"delta", 0.3},
      {"alpha", 0.05},
      {"n0", 20},
      {"seed", 31},
      {"crn", true},
      {"systems",
       {{"generator", "configuration"},
        {"k", 30},
        {"means", "slippage"},
        {"delta", 0.3},
        {"variances", "increasing"}}}};
  if (procedure == "equal" || procedure == "ocba") spec["params"] = {{"budget", 3000}};
  if (procedure == "fbkt") spec["params"] = {{"budget", 3000}, {"groups", 3}};
  if (procedure == "kt") spec["params"] = {{"group_size", 4}};
  if (procedure == "pass") spec["params"] = {{"batch", 20}, {"n_max", 200}};
  return spec;
}

// The job store's view of `kept`: the last counters and every checkpoint's records.
// REQUIRES: !kept.empty() (with none, the broker starts the job afresh)
ReplaySource source_of(const std::vector<Job::Checkpoint>& kept) {
  return {kept.back().counters, kept.size(),
          [kept](std::size_t segment) -> Result<std::string> { return kept[segment].records; }};
}

struct Outcome {
  nlohmann::json document;
  std::uint64_t results_delivered = 0;
};

// Drives a job as the broker does: up to 6 tasks of 37 replications in flight, delivered in a
// seeded shuffled order, advance once per "turn", a checkpoint every 9 results. After each count
// of results in `kills`, the job is dropped with whatever was not yet checkpointed (its in-flight
// tasks too) and made again from its spec and checkpoints; after `extend_after` results, an
// EXTEND of `extension` is applied.
class Driver {
 public:
  explicit Driver(const nlohmann::json& spec)
      : spec_(spec),
        model_(make_model("normal", spec["systems"]).value()),
        streams_(spec["seed"].get<std::uint64_t>(), spec["crn"].get<bool>()) {}

  Outcome run(const std::vector<std::uint64_t>& kills,
              std::optional<std::uint64_t> extend_after = std::nullopt,
              const nlohmann::json& extension = nullptr) {
    std::unique_ptr<Job> job = create();
    std::vector<Job::Checkpoint> kept;  // the job store's checkpoints table
    std::deque<protocol::Task> in_flight;
    std::mt19937_64 order(7);
    std::uint64_t delivered = 0, task_id = 1;
    for (int turn = 0; turn < 1'000'000 && !is_final(job->state()); ++turn) {
      while (in_flight.size() < 6) {
        auto task = job->next_task(task_id++, 37, 1'000'000);
        if (!task) break;
        in_flight.push_back(std::move(*task));
      }
      REQUIRE_FALSE(in_flight.empty());  // a job that wants nothing and has not ended: stalled
      std::swap(in_flight.front(), in_flight[order() % in_flight.size()]);
      const protocol::Task task = in_flight.front();
      in_flight.pop_front();
      const protocol::TaskResult result{task.task_id, task.job_id,
                                        run_replications(*model_, streams_, task).value(), 1000};
      job->on_result(task, result);
      job->advance(0);
      ++delivered;
      if (extend_after && delivered == *extend_after) {
        const Status extended = job->extend(protocol::uint_field(extension, "budget"),
                                            protocol::uint_field(extension, "max_replications"), 0);
        INFO((extended ? "" : extended.error().message));
        REQUIRE(extended);
        kept.push_back(job->take_checkpoint());  // as the broker does after every control
      }
      if (delivered % 9 == 0) kept.push_back(job->take_checkpoint());
      if (std::find(kills.begin(), kills.end(), delivered) != kills.end() &&
          !is_final(job->state())) {
        job = create();  // the broker restarted: what was not checkpointed is gone
        in_flight.clear();
        if (!kept.empty()) REQUIRE(job->restore(source_of(kept), 0));  // else a fresh start
      }
    }
    REQUIRE(is_final(job->state()));
    return {job->document(0), delivered};
  }

 private:
  std::unique_ptr<Job> create() {
    auto job = Job::create(1, spec_, find_builtin_model("normal"), 0);
    INFO((job ? "" : job.error().message));
    REQUIRE(job);
    return std::move(job.value());
  }

  nlohmann::json spec_;
  std::unique_ptr<Model> model_;
  ReplicationStreams streams_;
};

void require_same_answer(const nlohmann::json& resumed, const nlohmann::json& undisturbed) {
  INFO("resumed: " << resumed.dump() << "\nundisturbed: " << undisturbed.dump());
  REQUIRE(resumed["state"] == undisturbed["state"]);
  CHECK(resumed["best"]["index"] == undisturbed["best"]["index"]);
  CHECK(resumed["best"]["mean"].get<double>() == undisturbed["best"]["mean"].get<double>());
  CHECK(resumed["total_replications"] == undisturbed["total_replications"]);
}

}  // namespace

TEST_CASE("every procedure resumed from its checkpoints gives the undisturbed answer",
          "[resume]") {
  for (const std::string& procedure : procedure_names()) {
    Driver driver(spec_for(procedure));
    const Outcome undisturbed = driver.run({});
    REQUIRE(undisturbed.document["state"] == "succeeded");
    // Kill points all over the job (about 20, at varying distances from the last checkpoint, so
    // that some results are lost and the last checkpoint ends at different points of a stage),
    // and two kills in one run.
    const std::uint64_t n = undisturbed.results_delivered;
    REQUIRE(n > 12);
    std::vector<std::vector<std::uint64_t>> schedules = {{n / 4 + 1, n / 2 + 2}};
    for (std::uint64_t kill = 2; kill < n; kill += std::max<std::uint64_t>(1, n / 20))
      schedules.push_back({kill});
    for (const auto& kills : schedules) {
      INFO(procedure << " killed after " << nlohmann::json(kills).dump() << " of " << n
                     << " results");
      require_same_answer(driver.run(kills).document, undisturbed.document);
    }
  }
}

TEST_CASE("an EXTEND before a broker restart applies at the same point on replay", "[resume]") {
  for (const std::string procedure : {"equal", "ocba", "fbkt"}) {
    Driver driver(spec_for(procedure));
    const nlohmann::json extension = {{"budget", 4500u}, {"max_replications", 100000u}};
    const Outcome extended = driver.run({}, 20, extension);
    REQUIRE(extended.document["state"] == "succeeded");
    INFO(procedure);
    REQUIRE(extended.document["total_replications"].get<std::uint64_t>() >
            driver.run({}).document["total_replications"].get<std::uint64_t>());
    require_same_answer(driver.run({25}, 20, extension).document, extended.document);
    const Outcome resumed = driver.run({25}, 20, extension);
    // The users' actions survive the restart, and the restart is in the history.
    const auto& actions = resumed.document["actions"];
    REQUIRE(actions.size() == 2);
    CHECK(actions[0]["action"] == "extend");
    CHECK(actions[0]["budget"] == 4500);
    CHECK(actions[1]["action"] == "resumed after a broker restart");
  }
}

TEST_CASE("a paused job resumes paused, with its priority", "[resume]") {
  auto job = Job::create(1, spec_for("kn"), find_builtin_model("normal"), 0).value();
  REQUIRE(job->pause(1));
  REQUIRE(job->set_priority(3, 2));
  REQUIRE(job->checkpoint_due());
  std::vector<Job::Checkpoint> kept{job->take_checkpoint()};
  REQUIRE_FALSE(job->checkpoint_due());
  auto resumed = Job::create(1, spec_for("kn"), find_builtin_model("normal"), 0).value();
  REQUIRE(resumed->restore(source_of(kept), 3));
  CHECK(resumed->paused());
  CHECK(resumed->priority() == 3);
  CHECK_FALSE(resumed->next_task(1, 10, 100));
}

TEST_CASE("a damaged replay log fails the resume with a message", "[resume]") {
  auto job = Job::create(1, spec_for("kn"), find_builtin_model("normal"), 0).value();
  Job::Checkpoint damaged = job->take_checkpoint();
  damaged.records = std::string("O\x01\x00", 3);
  auto restored = job->restore(source_of({damaged}), 0);
  REQUIRE_FALSE(restored);
  CHECK_THAT(restored.error().message, Catch::Contains("truncated outputs record at byte 0"));
  Job::Checkpoint unknown = job->take_checkpoint();
  unknown.records = "Z";
  auto second = Job::create(1, spec_for("kn"), find_builtin_model("normal"), 0).value();
  auto refused = second->restore(source_of({unknown}), 0);
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Catch::Contains("unknown record at byte 0"));
  ReplayLog outside;  // a system the job does not have
  outside.append_outputs(30, 0, std::vector<double>{1.0});
  Job::Checkpoint foreign = job->take_checkpoint();
  foreign.records = outside.take();
  auto fourth = Job::create(1, spec_for("kn"), find_builtin_model("normal"), 0).value();
  auto out_of_range = fourth->restore(source_of({foreign}), 0);
  REQUIRE_FALSE(out_of_range);
  CHECK_THAT(out_of_range.error().message, Catch::Contains("system 30 of 30"));
  Job::Checkpoint no_counters{"", nlohmann::json::object()};
  auto third = Job::create(1, spec_for("kn"), find_builtin_model("normal"), 0).value();
  auto missing = third->restore(source_of({no_counters}), 0);
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Contains("checkpoint counters"));
}

TEST_CASE("the replay log gives back what was appended, in order", "[resume]") {
  ReplayLog log;
  const std::vector<double> first{1.5, -2.25, 3e-300}, second{42};
  log.append_outputs(7, 100, first);
  log.append_extend({{"budget", 9}});
  log.append_outputs(1ull << 40, 0, second);
  const std::string bytes = log.take();
  CHECK(log.empty());
  std::vector<std::string> seen;
  REQUIRE(replay(bytes, {[&](std::uint64_t system, std::uint64_t rep, std::span<const double> v) {
                           seen.push_back(std::to_string(system) + "/" + std::to_string(rep) +
                                          ":" + nlohmann::json(std::vector(v.begin(), v.end())).dump());
                         },
                         [&](const nlohmann::json& fields) { seen.push_back(fields.dump()); }}));
  CHECK(seen == std::vector<std::string>{"7/100:[1.5,-2.25,3e-300]", "{\"budget\":9}",
                                         "1099511627776/0:[42.0]"});
  // Every truncation of a valid log is refused, never read past its end.
  for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
    std::size_t records = 0;
    const auto counted = replay(bytes.substr(0, cut),
                                {[&](auto, auto, auto) { ++records; }, [&](auto&) { ++records; }});
    if (cut == 1 + 8 + 8 + 4 + 24 || cut == 1 + 8 + 8 + 4 + 24 + 1 + 4 + 12) continue;
    INFO("cut at " << cut);
    CHECK_FALSE(counted);
  }
}

TEST_CASE("the job store keeps checkpoints as log segments and rows", "[resume]") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("simsel-test-checkpoints-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    JobStore store(dir / "simsel.sqlite");
    store.insert(1, {{"model", "normal"}}, {{"state", "running"}});
    store.insert(2, {{"model", "normal"}}, {{"state", "running"}});
    CHECK_FALSE(store.replay_source(1));  // no checkpoint yet: a fresh start
    store.append_checkpoint(1, {"abc", {{"n", 1}}});
    store.append_checkpoint(1, {"", {{"n", 2}}});  // counters only: no segment
    store.append_checkpoint(1, {"defgh", {{"n", 3}}});
    store.append_checkpoint(2, {"xyz", {{"n", 9}}});
    auto source = store.replay_source(1);
    REQUIRE(source);
    CHECK(source->counters == nlohmann::json{{"n", 3}});
    REQUIRE(source->segments == 2);
    CHECK(source->read(0).value() == "abc");
    CHECK(source->read(1).value() == "defgh");
    // A log shorter than its rows say (a damaged disk) is an error naming the file, not garbage.
    std::filesystem::resize_file(dir / "replay" / "1.log", 6);
    auto cut = store.replay_source(1)->read(1);
    REQUIRE_FALSE(cut);
    CHECK_THAT(cut.error().message, Catch::Contains("1.log") && Catch::Contains("missing"));
    store.delete_checkpoints(1);
    CHECK_FALSE(store.replay_source(1));
    CHECK_FALSE(std::filesystem::exists(dir / "replay" / "1.log"));
    // Job 2 ends without its checkpoints dropped (a broker stopped in between): the next open
    // drops them.
    store.update(2, "succeeded", {{"state", "succeeded"}});
  }
  JobStore reopened(dir / "simsel.sqlite");
  CHECK_FALSE(reopened.replay_source(2));
  CHECK_FALSE(std::filesystem::exists(dir / "replay" / "2.log"));
  std::filesystem::remove_all(dir);
}
