// The procedure catalog (broker/procedures/procedure_catalog.h) as text for people: the table
// of every procedure's parameters that docs/JOBSPEC.md embeds (tests/procedure_catalog_test.cpp
// fails when the two differ) and that `simsel procedures` prints. Not here: the checks.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace simsel {

// "integer >= 2, <= 1000000", "number in (0, 1)", "integer >= 1 (required)" from a schema.
std::string schema_words(const nlohmann::json& schema);

// The Markdown table: | procedure | parameter | type | default | meaning |, one row per
// parameter, procedures in catalog order.
std::string procedure_parameters_markdown();

}  // namespace simsel
