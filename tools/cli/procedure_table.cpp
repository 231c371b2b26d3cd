// See procedure_table.h.
#include "tools/cli/procedure_table.h"

#include "broker/procedures/procedure_catalog.h"

namespace simsel {
namespace {

std::string number_text(const nlohmann::json& value) {
  if (value.is_number_float()) {
    const double x = value.get<double>();
    if (x == static_cast<double>(static_cast<long long>(x)) && x < 1e15 && x > -1e15)
      return std::to_string(static_cast<long long>(x));
  }
  return value.dump();
}

}  // namespace

std::string schema_words(const nlohmann::json& schema) {
  std::string words = schema.value("type", "number");
  const bool low_open = schema.contains("exclusiveMinimum");
  const bool high_open = schema.contains("exclusiveMaximum");
  const auto low = low_open ? schema.find("exclusiveMinimum") : schema.find("minimum");
  const auto high = high_open ? schema.find("exclusiveMaximum") : schema.find("maximum");
  if (low != schema.end() && high != schema.end()) {
    words += std::string(" in ") + (low_open ? "(" : "[") + number_text(*low) + ", " +
             number_text(*high) + (high_open ? ")" : "]");
  } else if (low != schema.end()) {
    words += (low_open ? " > " : " >= ") + number_text(*low);
  } else if (high != schema.end()) {
    words += (high_open ? " < " : " <= ") + number_text(*high);
  }
  return words;
}

std::string procedure_parameters_markdown() {
  std::string table =
      "| procedure | parameter | type | default | meaning |\n|---|---|---|---|---|\n";
  for (const ProcedureDescription* procedure : procedure_catalog()) {
    if (procedure->params.empty()) {
      table += "| `" + procedure->name + "` | (none) | | | |\n";
      continue;
    }
    for (const auto& [name, schema] : procedure->params.items()) {
      const std::string default_text = schema.value("required", false) ? "required"
                                       : schema.contains("default")   ? number_text(schema["default"])
                                                                      : "see meaning";
      table += "| `" + procedure->name + "` | `params." + name + "` | " + schema_words(schema) +
               " | " + default_text + " | " + schema.value("help", "") + " |\n";
    }
  }
  return table;
}

}  // namespace simsel
