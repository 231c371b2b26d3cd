// Every registered procedure, through the real broker and nodes: the same job and seed give the
// same selected system, mean and total replications with 1, 3 and 8 workers, and when a node
// dies mid-job (its lost tasks handed out again) as when none does.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <vector>

#include "broker/procedures/procedure.h"
#include "tests/cluster_fixture.h"

using namespace simsel;
using namespace simsel::testing;

namespace {

// `spec` run by `procedure`, with what it needs: a budget for the fixed-budget procedures (FBKT
// in groups, so that a final is played), KT groups small enough for several rounds, PASS sweeps
// short enough for several to fit.
nlohmann::json with_procedure(nlohmann::json spec, const std::string& procedure,
                              std::uint64_t budget) {
  spec["procedure"] = procedure;
  if (procedure == "equal" || procedure == "ocba") spec["params"] = {{"budget", budget}};
  if (procedure == "fbkt") spec["params"] = {{"budget", budget}, {"groups", 3}};  // and a final
  if (procedure == "kt") spec["params"] = {{"group_size", 4}};
  if (procedure == "pass") spec["params"] = {{"batch", 20}, {"n_max", 200}};
  return spec;
}

// 40 normal systems with CRN in the slippage configuration, variances increasing (so that under
// CRN the differences are still noisy and KN matches end at different replications).
nlohmann::json job_for(const std::string& procedure) {
  nlohmann::json spec = normal_job(40, 77);
  spec["delta"] = 0.3;
  spec["crn"] = true;
  spec["systems"]["delta"] = 0.3;
  spec["systems"]["variances"] = "increasing";
  return with_procedure(spec, procedure, 4000);
}

// The flow line with L = 10 (324 systems, CRN): a replication costs tens of microseconds, so a
// job lasts long enough (about a second on two threads) to lose a node part-way through. GSP
// gets a shorter first stage and fewer, smaller screening rounds than its defaults, so that its
// job costs about what the others' do (14,400 replications instead of 62,394 with n1 = 20 alone).
nlohmann::json slow_job_for(const std::string& procedure) {
  nlohmann::json spec = flowline_job(10, 5);
  spec["delta"] = 0.3;
  spec = with_procedure(spec, procedure, 324 * 20);
  if (procedure == "gsp") spec["params"] = {{"n1", 20}, {"r_bar", 3}, {"beta", 20}};
  return spec;
}

}  // namespace

TEST_CASE("every procedure gives the same answer with 1, 3 and 8 workers",
          "[broker][determinism]") {
  for (const std::string& procedure : procedure_names()) {
    std::vector<nlohmann::json> results;
    for (std::uint32_t workers : {1u, 3u, 8u}) {
      TempDir dir("determinism-" + procedure);
      zmq::context_t context;
      LocalCluster cluster(context, test_config(Transport::kInproc, workers, dir.path));
      results.push_back(run_to_end(context, cluster, job_for(procedure)));
      INFO(procedure << " with " << workers << " workers: " << results.back().dump());
      REQUIRE(results.back()["state"] == "succeeded");
    }
    for (const auto& result : results) {
      INFO(procedure);
      CHECK(result["best"]["index"] == results[0]["best"]["index"]);
      CHECK(result["best"]["mean"] == results[0]["best"]["mean"]);
      CHECK(result["total_replications"] == results[0]["total_replications"]);
    }
  }
}

TEST_CASE("every procedure gives the same answer when a node is killed mid-job",
          "[broker][determinism]") {
  for (const std::string& procedure : procedure_names()) {
    const nlohmann::json spec = slow_job_for(procedure);
    TempDir dir("kill-" + procedure);
    zmq::context_t context;
    LocalCluster cluster(context, test_config(Transport::kTcp, 1, dir.path), 2);
    const nlohmann::json undisturbed = run_to_end(context, cluster, spec);
    INFO(procedure << " undisturbed: " << undisturbed.dump());
    REQUIRE(undisturbed["state"] == "succeeded");
    // Kill node 0 once a quarter of the replications are in: the job is under way, far from done.
    const std::uint64_t quarter = undisturbed["total_replications"].get<std::uint64_t>() / 4;
    const InterruptedRun run = run_killing_node(context, cluster, spec, 0, quarter);
    INFO("before the kill: " << run.before_kill.dump() << "\nafter: " << run.final.dump());
    REQUIRE(run.before_kill["state"] == "running");  // the kill really lands mid-job
    CHECK(run.before_kill["simulated_replications"].get<std::uint64_t>() > quarter);
    CHECK(run.final["state"] == "succeeded");
    CHECK(run.final["best"]["index"] == undisturbed["best"]["index"]);
    CHECK(run.final["best"]["mean"] == undisturbed["best"]["mean"]);
    CHECK(run.final["total_replications"] == undisturbed["total_replications"]);
    CHECK(run.workers_left == 1);  // the dead node was expired
  }
}
