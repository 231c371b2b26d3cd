// make_procedure, procedure_names and the catalog's list (procedure_catalog.h): the one place
// that knows every procedure. It checks the requirements they share (delta, alpha, n0, system
// count) and each one's parameters against its description's schema, then calls its factory.
// Errors name the job-spec field they are about.
#include <cmath>
#include <string>

#include "broker/procedures/procedure.h"
#include "broker/procedures/procedure_catalog.h"
#include "common/models/param_schema.h"

namespace simsel {
namespace {

Status check_common_requirements(const ProcedureSpec& spec, std::uint64_t system_count,
                                 std::uint32_t smallest_n0) {
  if (!(spec.delta > 0) || !std::isfinite(spec.delta)) return make_error("delta: must be > 0");
  if (!(spec.alpha > 0 && spec.alpha < 1)) return make_error("alpha: must be in (0,1)");
  if (spec.n0 < smallest_n0) {
    return make_error("n0: must be >= " + std::to_string(smallest_n0) + " for " + spec.name +
                      (smallest_n0 >= 2 ? " (the first stage estimates variances)" : ""));
  }
  if (system_count < 2) {
    return make_error("systems: need at least 2 systems to select from, got " +
                      std::to_string(system_count));
  }
  return Ok{};
}

std::string joined_names() {
  std::string names;
  for (const ProcedureDescription* procedure : procedure_catalog())
    names += (names.empty() ? "" : ", ") + procedure->name;
  return names;
}

}  // namespace

const std::vector<const ProcedureDescription*>& procedure_catalog() {
  static const std::vector<const ProcedureDescription*> catalog = {
      &rinott_description(), &kn_description(),    &kt_description(),  &nsgs_description(),
      &gsp_description(),    &equal_description(), &ocba_description(), &fbkt_description(),
      &pass_description()};
  return catalog;
}

const ProcedureDescription* find_procedure(std::string_view name) {
  for (const ProcedureDescription* procedure : procedure_catalog())
    if (procedure->name == name) return procedure;
  return nullptr;
}

nlohmann::json ProcedureDescription::to_json() const {
  return {{"name", name},          {"help", help},
          {"guarantee", iz_guarantee}, {"guarantee_words", guarantee},
          {"smallest_n0", smallest_n0}, {"params", params}};
}

nlohmann::json budget_schema() {
  return {{"type", "integer"},
          {"minimum", 1},
          {"maximum", 1e15},
          {"required", true},
          {"help", "total replications N over all systems, n0 of each included; at least n0 * k"}};
}

Status check_budget(const ProcedureSpec& spec, std::uint64_t system_count) {
  const std::uint64_t minimum = std::uint64_t{spec.n0} * system_count;
  if (spec.params["budget"].get<std::uint64_t>() < minimum)
    return make_error("params.budget: must be >= n0 * k (= " + std::to_string(minimum) + ")");
  return Ok{};
}

Status check_larger_budget(std::uint64_t budget, std::uint64_t current) {
  if (budget <= current)
    return make_error("budget: must exceed the current budget (" + std::to_string(current) + ")");
  return Ok{};
}

std::vector<std::string> procedure_names() {
  std::vector<std::string> names;
  for (const ProcedureDescription* procedure : procedure_catalog())
    names.push_back(procedure->name);
  return names;
}

Result<std::unique_ptr<Procedure>> make_procedure(const ProcedureSpec& spec,
                                                  std::uint64_t system_count) {
  const ProcedureDescription* procedure = find_procedure(spec.name);
  if (procedure == nullptr)
    return make_error("procedure: unknown procedure '" + spec.name + "' (known: " +
                      joined_names() + ")");
  if (Status requirements = check_common_requirements(spec, system_count, procedure->smallest_n0);
      !requirements)
    return requirements.error();
  Result<nlohmann::json> params = read_params(procedure->params, spec.params, "params", spec.name);
  if (!params) return params.error();
  ProcedureSpec checked = spec;
  checked.params = std::move(params.value());
  return procedure->make(checked, system_count);
}

}  // namespace simsel
