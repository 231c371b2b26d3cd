// make_procedure and procedure_names: the one place that knows every procedure, checks the
// requirements they share (delta, alpha, n0, system count, parameters) and computes their
// constants. Errors name the job-spec field they are about.
#include <cmath>
#include <string>

#include "broker/procedures/kn.h"
#include "broker/procedures/procedure.h"
#include "broker/procedures/rinott.h"
#include "broker/procedures/rinott_constant.h"

namespace simsel {
namespace {

Status check_common_requirements(const ProcedureSpec& spec, std::uint64_t system_count) {
  if (!(spec.delta > 0) || !std::isfinite(spec.delta)) return make_error("delta: must be > 0");
  if (!(spec.alpha > 0 && spec.alpha < 1)) return make_error("alpha: must be in (0,1)");
  if (spec.n0 < 2) {
    return make_error("n0: must be >= 2 (the first stage estimates variances)");
  }
  if (system_count < 2) {
    return make_error("systems: need at least 2 systems to select from, got " +
                      std::to_string(system_count));
  }
  if (!spec.params.is_object()) return make_error("params: must be a table");
  // Neither procedure takes parameters yet, so any key is a mistake worth reporting.
  if (!spec.params.empty()) {
    return make_error("params." + spec.params.begin().key() + ": unknown parameter for " +
                      spec.name);
  }
  return Ok{};
}

Result<std::unique_ptr<Procedure>> make_rinott(const ProcedureSpec& spec,
                                               std::uint64_t system_count) {
  Result<double> h = rinott_h(system_count, 1 - spec.alpha, spec.n0 - 1);
  if (!h) return make_error("procedure: " + h.error().message);
  return std::unique_ptr<Procedure>(std::make_unique<RinottProcedure>(spec, system_count, *h));
}

Result<std::unique_ptr<Procedure>> make_kn(const ProcedureSpec& spec, std::uint64_t system_count) {
  if (system_count > KnProcedure::kMaxSystems) {
    return make_error("procedure: kn keeps every pairwise variance and supports at most " +
                      std::to_string(KnProcedure::kMaxSystems) + " systems, got " +
                      std::to_string(system_count) + "; use rinott");
  }
  return std::unique_ptr<Procedure>(std::make_unique<KnProcedure>(spec, system_count));
}

using Factory = Result<std::unique_ptr<Procedure>> (*)(const ProcedureSpec&, std::uint64_t);

struct Registration {
  const char* name;
  Factory make;
};

constexpr Registration kProcedures[] = {{"rinott", make_rinott}, {"kn", make_kn}};

std::string joined_names() {
  std::string names;
  for (const Registration& procedure : kProcedures) {
    names += (names.empty() ? "" : ", ") + std::string(procedure.name);
  }
  return names;
}

}  // namespace

std::vector<std::string> procedure_names() {
  std::vector<std::string> names;
  for (const Registration& procedure : kProcedures) names.emplace_back(procedure.name);
  return names;
}

Result<std::unique_ptr<Procedure>> make_procedure(const ProcedureSpec& spec,
                                                  std::uint64_t system_count) {
  for (const Registration& procedure : kProcedures) {
    if (spec.name != procedure.name) continue;
    Status requirements = check_common_requirements(spec, system_count);
    if (!requirements) return requirements.error();
    return procedure.make(spec, system_count);
  }
  return make_error("procedure: unknown procedure '" + spec.name + "' (known: " + joined_names() +
                    ")");
}

}  // namespace simsel
