// See param_schema.h.
#include "common/models/param_schema.h"

#include <algorithm>
#include <cmath>

#include "common/models/spec_reader.h"

namespace simsel {

std::string known_params(const nlohmann::json& params) {
  std::string out;
  for (const auto& [name, schema] : params.items()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

namespace {

bool is_integral(const nlohmann::json& value) {
  if (value.is_number_integer()) return true;
  if (!value.is_number_float()) return false;
  const double x = value.get<double>();
  return std::isfinite(x) && std::floor(x) == x;
}

// One bound of a schema: `key` compared with `value` by `holds`; the message when it fails.
Status check_bound(const nlohmann::json& schema, const char* key, double value, bool integer,
                   const std::string& path) {
  const auto bound = schema.find(key);
  if (bound == schema.end() || !bound->is_number()) return Ok{};
  const double b = bound->get<double>();
  const std::string shown = bound->dump();
  const std::string key_name = key;
  if (key_name == "minimum" && value < b)
    return field_error(path, (integer ? "must be an integer >= " : "must be >= ") + shown);
  if (key_name == "maximum" && value > b) return field_error(path, "must be <= " + shown);
  if (key_name == "exclusiveMinimum" && value <= b) return field_error(path, "must be > " + shown);
  if (key_name == "exclusiveMaximum" && value >= b) return field_error(path, "must be < " + shown);
  return Ok{};
}

}  // namespace

Status check_value(const nlohmann::json& schema, const nlohmann::json& value,
                   const std::string& path) {
  const std::string type = schema.value("type", "number");
  if (type == "string") {
    if (!value.is_string()) return field_error(path, "must be a string");
  } else if (!value.is_number()) {
    return field_error(path, type == "integer" ? "must be an integer" : "must be a number");
  } else if (type == "integer" && !is_integral(value)) {
    return field_error(path, schema.contains("minimum")
                                 ? "must be an integer >= " + schema["minimum"].dump()
                                 : std::string("must be an integer"));
  }
  if (const auto options = schema.find("enum"); options != schema.end() && options->is_array()) {
    if (std::find(options->begin(), options->end(), value) == options->end()) {
      std::string listed;
      for (const auto& option : *options)
        listed += (listed.empty() ? "" : ", ") +
                  (option.is_string() ? option.get<std::string>() : option.dump());
      return field_error(path, "must be one of " + listed);
    }
  }
  if (!value.is_number()) return Ok{};
  for (const char* key : {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}) {
    if (Status ok = check_bound(schema, key, value.get<double>(), type == "integer", path); !ok)
      return ok;
  }
  return Ok{};
}

Status check_param_schema(const nlohmann::json& schema, const std::string& path) {
  if (!schema.is_object()) return field_error(path, "must be a map");
  const auto type = schema.find("type");
  if (type != schema.end() && (!type->is_string() || (*type != "integer" && *type != "number" &&
                                                      *type != "string")))
    return field_error(path + ".type", "must be one of integer, number, string");
  for (const char* key : {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}) {
    if (schema.contains(key) && !schema[key].is_number())
      return field_error(path + "." + key, "must be a number");
  }
  if (schema.contains("enum") && !schema["enum"].is_array())
    return field_error(path + ".enum", "must be an array");
  if (schema.contains("help") && !schema["help"].is_string())
    return field_error(path + ".help", "must be a string");
  if (schema.contains("default")) {
    if (Status ok = check_value(schema, schema["default"], path + ".default"); !ok) return ok;
  }
  return Ok{};
}

Result<nlohmann::json> read_params(const nlohmann::json& schemas, const nlohmann::json& given,
                                   std::string_view path, std::string_view owner) {
  if (!given.is_object()) return field_error(path, "must be a table");
  for (const auto& [name, value] : given.items()) {
    const auto schema = schemas.find(name);
    if (schema == schemas.end())
      return field_error(field_path(path, name), "unknown parameter for " + std::string(owner) +
                                                     " (known: " +
                                                     (schemas.empty() ? std::string("none")
                                                                      : known_params(schemas)) +
                                                     ")");
    if (Status ok = check_value(*schema, value, field_path(path, name)); !ok) return ok.error();
  }
  nlohmann::json filled = given;
  for (const auto& [name, schema] : schemas.items()) {
    if (filled.contains(name)) continue;
    if (schema.value("required", false))
      return field_error(field_path(path, name), "required for " + std::string(owner));
    if (schema.contains("default")) filled[name] = schema["default"];
  }
  return filled;
}

}  // namespace simsel
