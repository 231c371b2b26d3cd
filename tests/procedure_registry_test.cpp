// make_procedure: the known names, and one error case per requirement, each naming its field.
#include <catch2/catch.hpp>

#include "broker/procedures/kn.h"
#include "broker/procedures/procedure.h"

using namespace simsel;

namespace {

ProcedureSpec spec_named(const std::string& name) {
  ProcedureSpec spec;
  spec.name = name;
  return spec;
}

std::string error_of(const ProcedureSpec& spec, std::uint64_t systems = 10) {
  auto procedure = make_procedure(spec, systems);
  REQUIRE_FALSE(procedure.ok());
  return procedure.error().message;
}

}  // namespace

TEST_CASE("make_procedure: builds every registered procedure", "[procedures]") {
  CHECK(procedure_names() ==
        std::vector<std::string>{"rinott", "kn", "kt", "nsgs", "gsp", "equal", "ocba", "fbkt",
                                 "pass"});
  for (const std::string& name : procedure_names()) {
    ProcedureSpec spec = spec_named(name);
    if (name == "equal" || name == "ocba" || name == "fbkt") spec.params = {{"budget", 1000}};
    auto procedure = make_procedure(spec, 10);
    REQUIRE(procedure.ok());
    CHECK_FALSE((*procedure)->finished());
    CHECK((*procedure)->targets().size() == 10);
    // Equal allocation wants its whole share at once; the others start with n0.
    CHECK((*procedure)->targets()[0] == (name == "equal" ? 100u : 20u));
  }
}

TEST_CASE("make_procedure: gsp takes n0 = 0 and starts with n1", "[procedures]") {
  ProcedureSpec spec = spec_named("gsp");
  spec.n0 = 0;
  auto procedure = make_procedure(spec, 10);
  REQUIRE(procedure.ok());
  CHECK((*procedure)->targets()[0] == 50u);  // PyPRS's default n1
  spec.params = {{"n1", 30}, {"r_bar", 4}, {"beta", 2.5}, {"alpha1", 0.01}, {"alpha2", 0.04}};
  procedure = make_procedure(spec, 10);
  REQUIRE(procedure.ok());
  CHECK((*procedure)->targets()[0] == 30u);
  spec.name = "kn";
  spec.params = nlohmann::json::object();
  CHECK(error_of(spec).rfind("n0: must be >= 2", 0) == 0);
}

TEST_CASE("make_procedure: gsp parameter errors name the parameter", "[procedures]") {
  const auto error_with = [](nlohmann::json params) {
    ProcedureSpec spec = spec_named("gsp");
    spec.params = std::move(params);
    return error_of(spec);
  };
  CHECK(error_with({{"n1", 1}}) == "params.n1: must be an integer >= 2");
  CHECK(error_with({{"n1", 2.5}}) == "params.n1: must be an integer >= 2");
  CHECK(error_with({{"n1", 2'000'000}}) == "params.n1: must be <= 1000000");
  CHECK(error_with({{"r_bar", 0}}) == "params.r_bar: must be an integer >= 1");
  CHECK(error_with({{"beta", 0}}) == "params.beta: must be > 0");
  CHECK(error_with({{"beta", 2e9}}) == "params.beta: must be <= 1000000000.0");
  CHECK(error_with({{"beta", "big"}}) == "params.beta: must be a number");
  CHECK(error_with({{"alpha1", 1}}) == "params.alpha1: must be < 1");
  CHECK(error_with({{"alpha2", -0.1}}) == "params.alpha2: must be > 0");
  CHECK(error_with({{"alpha1", 0.6}, {"alpha2", 0.5}}) ==
        "params.alpha2: alpha1 + alpha2 must be < 1");
  CHECK(error_with({{"eta", 1}}) ==
        "params.eta: unknown parameter for gsp (known: alpha1, alpha2, beta, n1, r_bar)");
}

TEST_CASE("make_procedure: unknown procedure", "[procedures]") {
  CHECK(error_of(spec_named("pass2")) ==
        "procedure: unknown procedure 'pass2' (known: rinott, kn, kt, nsgs, gsp, equal, ocba, "
        "fbkt, pass)");
}

TEST_CASE("make_procedure: delta must be positive", "[procedures]") {
  ProcedureSpec spec = spec_named("rinott");
  spec.delta = 0;
  CHECK(error_of(spec) == "delta: must be > 0");
}

TEST_CASE("make_procedure: alpha must be in (0/1)", "[procedures]") {
  ProcedureSpec spec = spec_named("kn");
  spec.alpha = 1;
  CHECK(error_of(spec) == "alpha: must be in (0,1)");
}

TEST_CASE("make_procedure: n0 must allow a variance", "[procedures]") {
  ProcedureSpec spec = spec_named("rinott");
  spec.n0 = 1;
  CHECK(error_of(spec).rfind("n0: must be >= 2", 0) == 0);
}

TEST_CASE("make_procedure: needs two systems", "[procedures]") {
  CHECK(error_of(spec_named("kn"), 1).rfind("systems: ", 0) == 0);
}

TEST_CASE("make_procedure: unknown parameter", "[procedures]") {
  ProcedureSpec spec = spec_named("kn");
  spec.params = {{"c", 2}};
  CHECK(error_of(spec) == "params.c: unknown parameter for kn (known: none)");
}

TEST_CASE("make_procedure: kn refuses more systems than its pairwise table allows",
          "[procedures]") {
  CHECK(error_of(spec_named("kn"), KnProcedure::kMaxSystems + 1).find("use kt or rinott") !=
        std::string::npos);
  CHECK(make_procedure(spec_named("rinott"), KnProcedure::kMaxSystems + 1).ok());
}

TEST_CASE("make_procedure: kt groups hold at least two systems", "[procedures]") {
  ProcedureSpec spec = spec_named("kt");
  spec.params = {{"group_size", 1}};
  CHECK(error_of(spec) == "params.group_size: must be an integer >= 2");
  spec.params = {{"group_size", "big"}};
  CHECK(error_of(spec) == "params.group_size: must be an integer");
  spec.params = {{"group_size", 3}};
  CHECK(make_procedure(spec, 10).ok());
}
