// The procedure catalog (broker/procedures/procedure_catalog.h) is the one description of each
// procedure: its schemas are well formed and their defaults valid, make_procedure accepts every
// default and refuses what the schema refuses, and docs/JOBSPEC.md embeds exactly the table
// `simsel procedures` prints from it.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "broker/procedures/procedure_catalog.h"
#include "common/models/param_schema.h"
#include "tools/cli/procedure_table.h"

using namespace simsel;

TEST_CASE("every procedure's parameter schemas are well formed", "[procedures][catalog]") {
  REQUIRE(procedure_catalog().size() == procedure_names().size());
  for (const ProcedureDescription* procedure : procedure_catalog()) {
    INFO(procedure->name);
    CHECK(find_procedure(procedure->name) == procedure);
    CHECK_FALSE(procedure->help.empty());
    CHECK_FALSE(procedure->guarantee.empty());
    for (const auto& [name, schema] : procedure->params.items()) {
      INFO(name);
      CHECK(check_param_schema(schema, "params." + name).ok());
      CHECK(schema.contains("help"));
    }
  }
  CHECK(find_procedure("nope") == nullptr);
}

TEST_CASE("make_procedure follows the catalog: defaults fill in, the schema refuses",
          "[procedures][catalog]") {
  for (const ProcedureDescription* procedure : procedure_catalog()) {
    INFO(procedure->name);
    ProcedureSpec spec;
    spec.name = procedure->name;
    spec.n0 = std::max<std::uint32_t>(procedure->smallest_n0, 2);
    for (const auto& [name, schema] : procedure->params.items())
      if (schema.value("required", false)) spec.params[name] = 1000;  // budgets: >= n0 * k
    CHECK(make_procedure(spec, 10).ok());
    ProcedureSpec unknown = spec;
    unknown.params["no_such_parameter"] = 1;
    const auto refused = make_procedure(unknown, 10);
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(refused.error().message,
               Catch::StartsWith("params.no_such_parameter: unknown parameter for " +
                                 procedure->name));
    if (procedure->smallest_n0 > 0) {
      ProcedureSpec small = spec;
      small.n0 = procedure->smallest_n0 - 1;
      CHECK_THAT(make_procedure(small, 10).error().message,
                 Catch::StartsWith("n0: must be >= " + std::to_string(procedure->smallest_n0)));
    }
  }
}

TEST_CASE("docs/JOBSPEC.md embeds the catalog's parameter table", "[procedures][catalog][docs]") {
  std::ifstream in(std::string(SIMSEL_SOURCE_DIR) + "/docs/JOBSPEC.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::string begin = "<!-- procedure-parameters:";
  const std::string end = "<!-- end procedure-parameters -->";
  const auto from = doc.find(begin);
  const auto to = doc.find(end);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  const auto table_start = doc.find('\n', from) + 1;
  // Run `./build/tools/simsel procedures` and paste its table to fix a failure here.
  CHECK(doc.substr(table_start, to - table_start) == procedure_parameters_markdown());
}
