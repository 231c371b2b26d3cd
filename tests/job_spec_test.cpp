// Job specs: the common fields are checked with field paths; TOML and CSV inputs become the
// same JSON form.
#include "common/jobspec/job_spec.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace simsel;
using nlohmann::json;

namespace {
json valid_spec() {
  return {{"model", "normal"},
          {"procedure", "kn"},
          {"delta", 0.1},
          {"alpha", 0.05},
          {"n0", 20},
          {"seed", 1},
          {"systems", {{"generator", "configuration"}, {"k", 3}}}};
}
}  // namespace

TEST_CASE("a valid spec parses", "[jobspec]") {
  auto spec = parse_job_spec(valid_spec());
  REQUIRE(spec.ok());
  CHECK(spec->model == "normal");
  CHECK(spec->n0 == 20);
  CHECK_FALSE(spec->maximize.has_value());
  CHECK(parse_job_spec(spec->to_json()).ok());
}

TEST_CASE("spec errors list every problem with its path", "[jobspec]") {
  json spec = valid_spec();
  spec["delta"] = -1;
  spec["alpha"] = 1.5;
  spec["n0"] = 1;
  spec["crn"] = "yes";
  spec["limits"] = {{"max_replications", 0}, {"max_hours", 1}};
  spec["colour"] = "blue";
  spec.erase("model");
  auto parsed = parse_job_spec(spec);
  REQUIRE_FALSE(parsed.ok());
  const std::string& message = parsed.error().message;
  CHECK(parsed.error().code == 422);
  CHECK_THAT(message, Catch::Contains("model: required"));
  CHECK_THAT(message, Catch::Contains("delta: must be a number > 0"));
  CHECK_THAT(message, Catch::Contains("alpha: must be a number in (0, 1)"));
  CHECK_THAT(message, Catch::Contains("n0: must be an integer >= 2"));
  CHECK_THAT(message, Catch::Contains("crn: must be true or false"));
  CHECK_THAT(message, Catch::Contains("limits.max_replications: must be a positive number"));
  CHECK_THAT(message, Catch::Contains("limits.max_hours: unknown limit"));
  CHECK_THAT(message, Catch::Contains("colour: unknown field"));
}

TEST_CASE("n0 may be 0 for gsp only - and is by default", "[jobspec]") {
  json spec = valid_spec();
  spec["procedure"] = "gsp";
  spec.erase("n0");
  auto parsed = parse_job_spec(spec);
  REQUIRE(parsed.ok());
  CHECK(parsed->n0 == 0);
  spec["n0"] = 0;
  CHECK(parse_job_spec(spec).ok());
  spec["n0"] = 5;
  CHECK(parse_job_spec(spec)->n0 == 5);
  spec["procedure"] = "kn";
  spec["n0"] = 0;
  auto refused = parse_job_spec(spec);
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().message, Catch::Contains("n0: must be an integer >= 2"));
}

TEST_CASE("job files: TOML - CSV systems and syntax errors", "[jobspec]") {
  auto dir = std::filesystem::temp_directory_path() / "simsel-jobspec-test";
  std::filesystem::create_directories(dir);
  SECTION("TOML with a CSV of systems") {
    std::ofstream(dir / "systems.csv") << "mu, sigma\n0.1, 1\n0, 2\n";
    std::ofstream(dir / "job.toml") << "model = \"normal\"\nprocedure = \"kn\"\nn0 = 10\n"
                                       "[systems]\ncsv = \"systems.csv\"\n";
    auto document = load_job_file(dir / "job.toml");
    REQUIRE(document.ok());
    CHECK(document.value()["n0"] == 10);
    CHECK(document.value()["systems"]["list"][1]["sigma"] == 2);
    CHECK(document.value()["systems"]["list"][0]["mu"] == 0.1);
  }
  SECTION("a bad CSV cell names row and column") {
    std::ofstream(dir / "bad.csv") << "mu,sigma\n0.1,one\n";
    std::ofstream(dir / "job.toml") << "[systems]\ncsv = \"bad.csv\"\n";
    auto document = load_job_file(dir / "job.toml");
    REQUIRE_FALSE(document.ok());
    CHECK_THAT(document.error().message,
               Catch::Contains("bad.csv:2: column sigma: not a number: 'one'"));
  }
  SECTION("TOML syntax error gives line and column") {
    std::ofstream(dir / "broken.toml") << "model = \"normal\"\ndelta = = 3\n";
    auto document = load_job_file(dir / "broken.toml");
    REQUIRE_FALSE(document.ok());
    CHECK_THAT(document.error().message, Catch::Contains("broken.toml:2:"));
  }
  SECTION("the shipped examples are valid specs") {
    for (const char* name : {"normal-sc.toml", "tp-3249.toml", "sS.toml"}) {
      auto document = load_job_file(std::string(SIMSEL_SOURCE_DIR) + "/examples/" + name);
      REQUIRE(document.ok());
      INFO(name);
      CHECK(parse_job_spec(document.value()).ok());
    }
  }
  std::filesystem::remove_all(dir);
}
