// Field reading for model specs. Messages are written for the person who wrote the job spec:
// the full path of the field, then what it must be.
#include "common/models/spec_reader.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace simsel {
namespace {

std::string join(const KeyList& names) {
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

bool contains(const KeyList& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Integral JSON values, including floats such as 6.0 that a hand-written spec may hold.
std::optional<std::int64_t> as_integer(const nlohmann::json& value) {
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (!value.is_number_float()) return std::nullopt;
  const double x = value.get<double>();
  if (std::floor(x) != x || std::fabs(x) > 9.0e15) return std::nullopt;
  return static_cast<std::int64_t>(x);
}

}  // namespace

std::string field_path(std::string_view parent, std::string_view key) {
  return std::string(parent) + "." + std::string(key);
}

std::string item_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

Error field_error(std::string_view path, std::string_view reason) {
  return make_error(std::string(path) + ": " + std::string(reason));
}

Status check_known_keys(const nlohmann::json& object, std::string_view path, const KeyList& known) {
  for (const auto& [key, value] : object.items()) {
    if (!contains(known, key))
      return field_error(field_path(path, key), "unknown parameter (known: " + join(known) + ")");
  }
  return Ok{};
}

Result<double> read_number(const nlohmann::json& object, std::string_view path,
                           std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end()) return field_error(field_path(path, key), "required");
  if (!it->is_number()) return field_error(field_path(path, key), "must be a number");
  return it->get<double>();
}

Result<std::int64_t> read_integer(const nlohmann::json& object, std::string_view path,
                                  std::string_view key, std::int64_t min, std::int64_t max) {
  const auto it = object.find(key);
  if (it == object.end()) return field_error(field_path(path, key), "required");
  const std::optional<std::int64_t> value = as_integer(*it);
  if (!value || *value < min)
    return field_error(field_path(path, key), "must be an integer >= " + std::to_string(min));
  if (*value > max) return field_error(field_path(path, key), "must be <= " + std::to_string(max));
  return *value;
}

Result<std::string> read_choice(const nlohmann::json& object, std::string_view path,
                                std::string_view key, const KeyList& allowed) {
  const auto it = object.find(key);
  if (it == object.end()) return field_error(field_path(path, key), "required");
  if (!it->is_string() || !contains(allowed, it->get_ref<const std::string&>()))
    return field_error(field_path(path, key), "must be one of " + join(allowed));
  return it->get<std::string>();
}

Result<double> read_number_or(const nlohmann::json& object, std::string_view path,
                              std::string_view key, double fallback) {
  if (!object.contains(key)) return fallback;
  return read_number(object, path, key);
}

namespace {

Result<SystemsShape> read_list_shape(const nlohmann::json& systems) {
  if (Status known = check_known_keys(systems, "systems", {"list"}); !known) return known.error();
  const nlohmann::json& list = systems["list"];
  if (!list.is_array() || list.empty())
    return field_error("systems.list", "must be a non-empty array");
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_object()) return field_error(item_path("systems.list", i), "must be an object");
  }
  return SystemsShape{&list, ""};
}

}  // namespace

Result<SystemsShape> read_systems_shape(const nlohmann::json& systems, std::string_view model,
                                        const KeyList& generators) {
  if (!systems.is_object() || systems.contains("list") == systems.contains("generator"))
    return field_error("systems", "must be an object with either \"list\" or \"generator\"");
  if (systems.contains("list")) return read_list_shape(systems);
  const nlohmann::json& name = systems["generator"];
  if (!name.is_string() || !contains(generators, name.get_ref<const std::string&>())) {
    const std::string shown = name.is_string() ? name.get<std::string>() : name.dump();
    return field_error("systems.generator", "unknown generator '" + shown + "' for model " +
                                                std::string(model) +
                                                " (known: " + join(generators) + ")");
  }
  return SystemsShape{nullptr, name.get<std::string>()};
}

}  // namespace simsel
