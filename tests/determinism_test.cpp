// Every registered procedure, through the real broker and nodes: the same job and seed give the
// same selected system, mean and total replications with 1, 3 and 8 workers.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <vector>

#include "broker/procedures/procedure.h"
#include "tests/cluster_fixture.h"

using namespace simsel;
using namespace simsel::testing;

namespace {

// 40 normal systems with CRN in the slippage configuration, variances increasing (so that under
// CRN the differences are still noisy and KN matches end at different replications); the
// fixed-budget procedures get a budget, KT groups small enough for three rounds.
nlohmann::json job_for(const std::string& procedure) {
  nlohmann::json spec = normal_job(40, 77);
  spec["procedure"] = procedure;
  spec["delta"] = 0.3;
  spec["crn"] = true;
  spec["systems"]["delta"] = 0.3;
  spec["systems"]["variances"] = "increasing";
  if (procedure == "equal" || procedure == "ocba") spec["params"] = {{"budget", 4000}};
  if (procedure == "kt") spec["params"] = {{"group_size", 4}};
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
