// The procedure catalog: for each R&S procedure, one description that everything else reads:
// make_procedure's checks, the web form (GET /api/models), OpenAPI and the parameter lists of
// docs/JOBSPEC.md (tests/procedure_catalog_test.cpp holds the docs to it). A procedure is its
// own .cpp: its class, its description and its factory; this file lists them. Not here: the
// common requirements' wording (registry.cpp) or any procedure's logic.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "broker/procedures/procedure.h"
#include "common/util/result.h"

namespace simsel {

struct ProcedureDescription {
  std::string name;        // what a job spec's `procedure` says
  std::string help;        // one sentence: what it is, with its reference
  bool iz_guarantee;       // true: PCS >= 1 - alpha under the indifference zone delta
  std::string guarantee;   // what it promises, in words (also when iz_guarantee is false)
  std::uint32_t smallest_n0;  // 2 where the first n0 outputs estimate variances
  // {name: schema} (common/models/param_schema.h): type, bounds, default, required, help.
  nlohmann::json params;
  // Builds the procedure. REQUIRES: the common requirements hold and spec.params was checked
  // against `params`, defaults filled in. Errors are the checks no schema can say (a budget
  // that depends on k, constants that cannot be computed).
  Result<std::unique_ptr<Procedure>> (*make)(const ProcedureSpec& spec,
                                             std::uint64_t system_count);

  // The form of GET /api/models' `procedures` entries and of the docs' tables.
  nlohmann::json to_json() const;
};

// The `guarantee` words the IZ procedures share, and those of the fixed-budget ones.
inline constexpr const char* kIndifferenceZoneGuarantee =
    "with probability at least 1 - alpha, the selected system's mean is within delta of the best";
inline constexpr const char* kFixedBudgetGuarantee =
    "none: a fixed budget, no probability-of-correct-selection guarantee (delta and alpha are not "
    "used)";

// Every procedure, in the order the page lists them.
const std::vector<const ProcedureDescription*>& procedure_catalog();
const ProcedureDescription* find_procedure(std::string_view name);

// Shared by the fixed-budget procedures: params.budget (required by their schema) must give
// every system its n0.
Status check_budget(const ProcedureSpec& spec, std::uint64_t system_count);

// extend_budget's common check: `budget` must exceed `current`.
Status check_larger_budget(std::uint64_t budget, std::uint64_t current);

// A budget parameter's schema, the same for every fixed-budget procedure.
nlohmann::json budget_schema();

// Each procedure's entry, defined in its own .cpp.
const ProcedureDescription& rinott_description();
const ProcedureDescription& kn_description();
const ProcedureDescription& kt_description();
const ProcedureDescription& nsgs_description();
const ProcedureDescription& gsp_description();
const ProcedureDescription& equal_description();
const ProcedureDescription& ocba_description();
const ProcedureDescription& fbkt_description();
const ProcedureDescription& pass_description();

}  // namespace simsel
