// See model_descriptor.h. The parameter checks are worded like the built-in models' messages
// always were ("must be an integer >= 1"), so a user reads the same sentence for every model.
#include "common/models/model_descriptor.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "common/models/grid_systems.h"
#include "common/models/param_schema.h"
#include "common/models/spec_reader.h"

namespace simsel {
namespace {

constexpr std::size_t kMaxListChecked = 10'000'000;

Status check_list(const nlohmann::json& params, const SystemSet& set) {
  if (set.size() > kMaxListChecked) return Ok{};
  for (std::uint64_t i = 0; i < set.size(); ++i) {
    const std::string path = item_path("systems.list", i);
    const nlohmann::json system = set.params(i);
    for (const auto& [name, value] : system.items()) {
      const auto schema = params.find(name);
      if (schema == params.end())
        return field_error(field_path(path, name),
                           "unknown parameter (known: " + known_params(params) + ")");
      if (Status ok = check_value(*schema, value, field_path(path, name)); !ok) return ok;
    }
    for (const auto& [name, schema] : params.items()) {
      if (!system.contains(name) && !schema.contains("default"))
        return field_error(field_path(path, name), "required");
    }
  }
  return Ok{};
}

// Every point of a grid lies within its parameters' declared [min, max], so checking both ends
// (and the type) checks every point.
Status check_grid(const nlohmann::json& params, const GridSpec& grid) {
  for (std::size_t k = 0; k < grid.params.size(); ++k) {
    const GridParam& p = grid.params[k];
    const std::string path = item_path("systems.params", k);
    const auto schema = params.find(p.name);
    if (schema == params.end())
      return field_error(path + ".name",
                         "unknown parameter '" + p.name + "' (known: " + known_params(params) + ")");
    if (schema->value("type", "number") == "string")
      return field_error(path, p.name + " is a string parameter; a grid holds numbers");
    if (schema->value("type", "number") == "integer" && !p.integer)
      return field_error(path, p.name + " is an integer parameter; give integer min, max and step");
    for (const double end : {p.min, p.max}) {
      if (Status ok = check_value(*schema, p.integer ? nlohmann::json(std::llround(end))
                                                     : nlohmann::json(end),
                                  path + " (" + p.name + ")");
          !ok)
        return ok;
    }
  }
  for (const auto& item : params.items()) {
    // Not a structured binding: clang 14 (the sanitizer build) cannot capture one in a lambda.
    const std::string& name = item.key();
    const nlohmann::json& schema = item.value();
    const bool given = std::any_of(grid.params.begin(), grid.params.end(),
                                   [&](const GridParam& p) { return p.name == name; });
    if (!given && !schema.contains("default"))
      return field_error("systems.params", "the model needs parameter '" + name + "'");
  }
  return Ok{};
}

Result<std::string> read_string(const nlohmann::json& document, std::string_view path,
                                const char* key, bool required) {
  const auto it = document.find(key);
  if (it == document.end()) {
    if (required) return field_error(field_path(path, key), "required");
    return std::string();
  }
  if (!it->is_string()) return field_error(field_path(path, key), "must be a string");
  return it->get<std::string>();
}

}  // namespace

bool is_valid_model_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

nlohmann::json ModelDescriptor::to_json() const {
  return {{"name", name},     {"description", description},
          {"output", output}, {"larger_is_better", larger_is_better},
          {"streams", streams}, {"kind", kind},
          {"schema", schema}};
}

Result<ModelDescriptor> descriptor_from_json(const nlohmann::json& document, std::string_view path) {
  if (!document.is_object()) return field_error(path, "must be a map");
  ModelDescriptor d;
  Result<std::string> name = read_string(document, path, "name", true);
  if (!name) return name.error();
  if (!is_valid_model_name(*name))
    return field_error(field_path(path, "name"),
                       "'" + *name + "' is not a model name (1-64 letters, digits, _ - .)");
  d.name = *name;
  Result<std::string> description = read_string(document, path, "description", false);
  if (!description) return description.error();
  d.description = *description;
  Result<std::string> output = read_string(document, path, "output", false);
  if (!output) return output.error();
  d.output = *output;
  const auto larger = document.find("larger_is_better");
  if (larger == document.end() || !larger->is_boolean())
    return field_error(field_path(path, "larger_is_better"), "required: true or false");
  d.larger_is_better = larger->get<bool>();
  if (const auto streams = document.find("streams"); streams != document.end()) {
    if (!streams->is_number_unsigned() || *streams < 1 || *streams > kMaxModelStreams)
      return field_error(field_path(path, "streams"),
                         "must be an integer in 1.." + std::to_string(kMaxModelStreams));
    d.streams = streams->get<std::uint32_t>();
  }
  if (const auto kind = document.find("kind"); kind != document.end() && kind->is_string())
    d.kind = kind->get<std::string>();
  d.schema = document.contains("schema") ? document["schema"]
                                         : nlohmann::json{{"params", document.value("params", nlohmann::json::object())}};
  const std::string params_path = document.contains("schema") ? std::string(path) + ".schema.params"
                                                              : field_path(path, "params");
  if (!d.schema.is_object() || !d.schema.contains("params") || !d.schema["params"].is_object())
    return field_error(params_path, "must be a map of parameter name to schema");
  for (const auto& [param, schema] : d.schema["params"].items()) {
    if (Status ok = check_param_schema(schema, params_path + "." + param); !ok) return ok.error();
  }
  return d;
}

Status check_systems(const ModelDescriptor& model, const SystemSet& set,
                     const nlohmann::json& systems) {
  const nlohmann::json& params = model.schema["params"];
  if (systems.value("generator", "") == "grid" && systems.contains("params")) {
    Result<GridSpec> grid = read_grid_spec(systems);
    if (!grid) return grid.error();
    return check_grid(params, *grid);
  }
  if (systems.contains("list")) return check_list(params, set);
  return Ok{};  // a built-in model's own generator makes only valid systems
}

}  // namespace simsel
