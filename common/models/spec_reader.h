// Typed reads of a model's `systems` JSON with errors that name the field path
// ("systems.list[3].sigma: must be > 0"). Shared by the model factories; pure functions.
// Not here: model-specific constraints, which each model checks and words itself.
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/util/result.h"

namespace simsel {

using KeyList = std::vector<std::string_view>;

// "systems" + "L" -> "systems.L"; "systems.list" + 3 -> "systems.list[3]".
std::string field_path(std::string_view parent, std::string_view key);
std::string item_path(std::string_view parent, std::size_t index);

// Error "<path>: <reason>".
Error field_error(std::string_view path, std::string_view reason);

// Fails on the first key of `object` not in `known`: "<path>.foo: unknown parameter (known: ..)".
Status check_known_keys(const nlohmann::json& object, std::string_view path, const KeyList& known);

// Required fields. Missing: "<path>.<key>: required". Integers accept 6 and 6.0, not 6.5.
Result<double> read_number(const nlohmann::json& object, std::string_view path,
                           std::string_view key);
// Out of range or not an integer: "<path>.<key>: must be an integer >= min" (or "<= max").
Result<std::int64_t> read_integer(const nlohmann::json& object, std::string_view path,
                                  std::string_view key, std::int64_t min,
                                  std::int64_t max = std::numeric_limits<std::int64_t>::max());
// A string out of `allowed`: "<path>.<key>: must be one of a, b".
Result<std::string> read_choice(const nlohmann::json& object, std::string_view path,
                                std::string_view key, const KeyList& allowed);

// Optional fields: the default when the key is absent, the same errors otherwise.
Result<double> read_number_or(const nlohmann::json& object, std::string_view path,
                              std::string_view key, double fallback);

// The two shapes of a model's `systems` value (see nodes/models/model.h).
struct SystemsShape {
  const nlohmann::json* list = nullptr;  // the non-empty array of objects, if given as a list
  std::string generator;                 // the generator name otherwise
};

// Checks `systems` holds exactly one of "list" (a non-empty array of objects; no other key)
// or "generator" (one of `generators`, named in errors with the model).
Result<SystemsShape> read_systems_shape(const nlohmann::json& systems, std::string_view model,
                                        const KeyList& generators);

}  // namespace simsel
