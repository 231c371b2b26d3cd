// Parameter schemas: the small subset of JSON Schema in which a model describes its systems'
// parameters (HELLO, docs/MODEL_PROTOCOL.md) and a procedure describes its own
// (broker/procedures/procedure_catalog.h): for each parameter {type: integer | number | string,
// minimum, maximum, exclusiveMinimum, exclusiveMaximum, enum, default, required, help}. The
// checks here word every message the same way ("must be an integer >= 1"), so a user reads one
// sentence for every model and procedure, on the page as from the broker. Not here: what the
// parameters mean.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/util/result.h"

namespace simsel {

// A schema is well formed: known types, numeric bounds, a default that satisfies it.
Status check_param_schema(const nlohmann::json& schema, const std::string& path);

// `value` satisfies `schema`. Errors name `path`: "systems.list[3].rate: must be >= 0.1".
Status check_value(const nlohmann::json& schema, const nlohmann::json& value,
                   const std::string& path);

// The names of {name: schema}, comma-separated, for "unknown parameter (known: ...)".
std::string known_params(const nlohmann::json& schemas);

// `given` (an object) checked against {name: schema}: no unknown key, every required one
// present, each value valid. Returns `given` with the absent parameters' defaults filled in.
// Errors name "<path>.<name>"; an unknown key's message names `owner` and the known keys.
Result<nlohmann::json> read_params(const nlohmann::json& schemas, const nlohmann::json& given,
                                   std::string_view path, std::string_view owner);

}  // namespace simsel
