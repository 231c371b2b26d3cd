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
  CHECK(procedure_names() == std::vector<std::string>{"rinott", "kn"});
  for (const std::string& name : procedure_names()) {
    auto procedure = make_procedure(spec_named(name), 10);
    REQUIRE(procedure.ok());
    CHECK_FALSE((*procedure)->finished());
    CHECK((*procedure)->targets().size() == 10);
    CHECK((*procedure)->targets()[0] == 20);
  }
}

TEST_CASE("make_procedure: unknown procedure", "[procedures]") {
  CHECK(error_of(spec_named("ocba")) == "procedure: unknown procedure 'ocba' (known: rinott, kn)");
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
  CHECK(error_of(spec) == "params.c: unknown parameter for kn");
}

TEST_CASE("make_procedure: kn refuses more systems than its pairwise table allows",
          "[procedures]") {
  CHECK(error_of(spec_named("kn"), KnProcedure::kMaxSystems + 1).find("use rinott") !=
        std::string::npos);
  CHECK(make_procedure(spec_named("rinott"), KnProcedure::kMaxSystems + 1).ok());
}
