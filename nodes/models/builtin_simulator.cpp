// See builtin_simulator.h.
#include "nodes/models/builtin_simulator.h"

#include <algorithm>

namespace simsel {

int column_of(const std::vector<std::string>& columns, std::string_view name) {
  const auto it = std::find(columns.begin(), columns.end(), name);
  return it == columns.end() ? -1 : static_cast<int>(it - columns.begin());
}

Result<std::unique_ptr<BuiltinSimulator>> make_builtin_simulator(
    std::string_view model, const std::vector<std::string>& columns) {
  const auto need = [&](std::initializer_list<const char*> names) -> Status {
    for (const char* name : names)
      if (column_of(columns, name) < 0)
        return make_error("model " + std::string(model) + ": systems lack parameter " + name);
    return Ok{};
  };
  if (model == "normal") {
    if (Status ok = need({"mu", "sigma"}); !ok) return ok.error();
    return make_normal_simulator(columns);
  }
  if (model == "tp") {
    if (Status ok = need({"r1", "r2", "r3", "b2", "b3"}); !ok) return ok.error();
    return make_tp_simulator(columns);
  }
  if (model == "sS") {
    if (Status ok = need({"s", "S"}); !ok) return ok.error();
    return make_ss_simulator(columns);
  }
  return make_error("model " + std::string(model) + " is not built into this node");
}

}  // namespace simsel
