// make_procedure and procedure_names: the one place that knows every procedure, checks the
// requirements they share (delta, alpha, n0, system count), reads and checks each one's
// parameters and computes their constants. Errors name the job-spec field they are about.
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "broker/procedures/equal_allocation.h"
#include "broker/procedures/gsp.h"
#include "broker/procedures/gsp_constant.h"
#include "broker/procedures/kn.h"
#include "broker/procedures/kt.h"
#include "broker/procedures/nsgs.h"
#include "broker/procedures/ocba.h"
#include "broker/procedures/procedure.h"
#include "broker/procedures/rinott.h"
#include "broker/procedures/rinott_constant.h"

namespace simsel {
namespace {

// `smallest_n0`: 2 where the first n0 outputs estimate variances; 0 for gsp, whose stage 0 only
// times the systems.
Status check_common_requirements(const ProcedureSpec& spec, std::uint64_t system_count,
                                 std::uint32_t smallest_n0) {
  if (!(spec.delta > 0) || !std::isfinite(spec.delta)) return make_error("delta: must be > 0");
  if (!(spec.alpha > 0 && spec.alpha < 1)) return make_error("alpha: must be in (0,1)");
  if (spec.n0 < smallest_n0) {
    return make_error("n0: must be >= 2 (the first stage estimates variances)");
  }
  if (system_count < 2) {
    return make_error("systems: need at least 2 systems to select from, got " +
                      std::to_string(system_count));
  }
  if (!spec.params.is_object()) return make_error("params: must be a table");
  return Ok{};
}

// A key the procedure does not take is a mistake worth reporting: a misspelt parameter would
// otherwise be silently replaced by its default.
Status check_known_params(const ProcedureSpec& spec,
                          std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : spec.params.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return make_error("params." + key + ": unknown parameter for " + spec.name);
    }
  }
  return Ok{};
}

// params.<key> as a replication count >= minimum (`minimum_text` says how it is derived).
// Absent: an empty optional.
Result<std::optional<std::uint64_t>> count_param(const ProcedureSpec& spec, const std::string& key,
                                                 std::uint64_t minimum,
                                                 const std::string& minimum_text) {
  const auto value = spec.params.find(key);
  if (value == spec.params.end()) return std::optional<std::uint64_t>();
  if (!value->is_number_integer()) return make_error("params." + key + ": must be an integer");
  const bool negative = !value->is_number_unsigned() && value->get<std::int64_t>() < 0;
  if (negative || value->get<std::uint64_t>() < minimum) {
    return make_error("params." + key + ": must be >= " + minimum_text);
  }
  return std::optional<std::uint64_t>(value->get<std::uint64_t>());
}

// params.<key> as a number accepted by `valid` (`rule` says what that is). Absent: empty.
template <class Valid>
Result<std::optional<double>> number_param(const ProcedureSpec& spec, const std::string& key,
                                           Valid valid, const std::string& rule) {
  const auto value = spec.params.find(key);
  if (value == spec.params.end()) return std::optional<double>();
  if (!value->is_number() || !valid(value->get<double>())) {
    return make_error("params." + key + ": must be " + rule);
  }
  return std::optional<double>(value->get<double>());
}

// Fixed-budget procedures need a budget that gives every system at least its n0.
Result<std::uint64_t> required_budget(const ProcedureSpec& spec, std::uint64_t system_count) {
  const std::uint64_t minimum = std::uint64_t{spec.n0} * system_count;
  auto budget = count_param(spec, "budget", minimum, "n0 * k (= " + std::to_string(minimum) + ")");
  if (!budget) return budget.error();
  if (!budget->has_value()) return make_error("params.budget: required for " + spec.name);
  return **budget;
}

Result<std::unique_ptr<Procedure>> make_rinott(const ProcedureSpec& spec,
                                               std::uint64_t system_count) {
  Status params = check_known_params(spec, {});
  if (!params) return params.error();
  Result<double> h = rinott_h(system_count, 1 - spec.alpha, spec.n0 - 1);
  if (!h) return make_error("procedure: " + h.error().message);
  return std::unique_ptr<Procedure>(std::make_unique<RinottProcedure>(spec, system_count, *h));
}

Result<std::unique_ptr<Procedure>> make_kn(const ProcedureSpec& spec, std::uint64_t system_count) {
  Status params = check_known_params(spec, {});
  if (!params) return params.error();
  if (system_count > KnProcedure::kMaxSystems) {
    return make_error("procedure: kn keeps every pairwise variance and supports at most " +
                      std::to_string(KnProcedure::kMaxSystems) + " systems, got " +
                      std::to_string(system_count) + "; use rinott");
  }
  return std::unique_ptr<Procedure>(std::make_unique<KnProcedure>(spec, system_count));
}

Result<std::unique_ptr<Procedure>> make_nsgs(const ProcedureSpec& spec,
                                             std::uint64_t system_count) {
  Status params = check_known_params(spec, {});
  if (!params) return params.error();
  Result<NsgsConstants> constants = nsgs_constants(system_count, spec.alpha, spec.n0);
  if (!constants) return make_error("procedure: " + constants.error().message);
  return std::unique_ptr<Procedure>(
      std::make_unique<NsgsProcedure>(spec, system_count, *constants));
}

Result<std::unique_ptr<Procedure>> make_kt(const ProcedureSpec& spec, std::uint64_t system_count) {
  Status params = check_known_params(spec, {"group_size"});
  if (!params) return params.error();
  auto group_size = count_param(spec, "group_size", 2, "2");
  if (!group_size) return group_size.error();
  if (system_count > UINT32_MAX) {
    return make_error("systems: kt supports at most " + std::to_string(UINT32_MAX) + " systems");
  }
  return std::unique_ptr<Procedure>(std::make_unique<KtProcedure>(
      spec, system_count, group_size->value_or(KtProcedure::kDefaultGroupSize)));
}

Result<std::unique_ptr<Procedure>> make_equal(const ProcedureSpec& spec,
                                              std::uint64_t system_count) {
  Status params = check_known_params(spec, {"budget"});
  if (!params) return params.error();
  Result<std::uint64_t> budget = required_budget(spec, system_count);
  if (!budget) return budget.error();
  return std::unique_ptr<Procedure>(
      std::make_unique<EqualAllocationProcedure>(spec, system_count, *budget));
}

Result<std::unique_ptr<Procedure>> make_ocba(const ProcedureSpec& spec,
                                             std::uint64_t system_count) {
  Status params = check_known_params(spec, {"budget", "increment"});
  if (!params) return params.error();
  Result<std::uint64_t> budget = required_budget(spec, system_count);
  if (!budget) return budget.error();
  auto increment = count_param(spec, "increment", 1, "1");
  if (!increment) return increment.error();
  const std::uint64_t chosen_increment =
      increment->value_or(OcbaProcedure::default_increment(*budget, spec.n0, system_count));
  return std::unique_ptr<Procedure>(
      std::make_unique<OcbaProcedure>(spec, system_count, *budget, chosen_increment));
}

// GSP's parameters with PyPRS's defaults: n1 = 50, r_bar = 10, beta = 100, alpha1 = alpha2 =
// alpha / 2.
Result<GspSettings> gsp_settings(const ProcedureSpec& spec) {
  GspSettings settings;
  auto n1 = count_param(spec, "n1", 2, "2 (stage 1 estimates variances)");
  if (!n1) return n1.error();
  if (n1->value_or(settings.n1) > 1'000'000)
    return make_error("params.n1: must be at most 1000000");
  settings.n1 = static_cast<std::uint32_t>(n1->value_or(settings.n1));
  auto r_bar = count_param(spec, "r_bar", 1, "1");
  if (!r_bar) return r_bar.error();
  if (r_bar->value_or(settings.r_bar) > 1'000'000) {
    return make_error("params.r_bar: must be at most 1000000");
  }
  settings.r_bar = static_cast<std::uint32_t>(r_bar->value_or(settings.r_bar));
  auto beta = number_param(
      spec, "beta", [](double v) { return v > 0 && v <= 1e9; }, "a number in (0, 1e9]");
  if (!beta) return beta.error();
  settings.beta = beta->value_or(settings.beta);
  const auto probability = [](double v) { return v > 0 && v < 1; };
  auto alpha1 = number_param(spec, "alpha1", probability, "a number in (0, 1)");
  if (!alpha1) return alpha1.error();
  auto alpha2 = number_param(spec, "alpha2", probability, "a number in (0, 1)");
  if (!alpha2) return alpha2.error();
  settings.alpha1 = alpha1->value_or(spec.alpha / 2);
  settings.alpha2 = alpha2->value_or(spec.alpha / 2);
  if (!(settings.alpha1 + settings.alpha2 < 1)) {
    return make_error("params.alpha2: alpha1 + alpha2 must be < 1");
  }
  return settings;
}

Result<std::unique_ptr<Procedure>> make_gsp(const ProcedureSpec& spec, std::uint64_t system_count) {
  Status params = check_known_params(spec, {"n1", "r_bar", "beta", "alpha1", "alpha2"});
  if (!params) return params.error();
  Result<GspSettings> settings = gsp_settings(spec);
  if (!settings) return settings.error();
  Result<double> eta = gsp_eta(system_count, settings->alpha1, settings->n1);
  if (!eta) return make_error("procedure: " + eta.error().message);
  Result<double> h = rinott_h(system_count, 1 - settings->alpha2, settings->n1 - 1);
  if (!h) return make_error("procedure: " + h.error().message);
  settings->eta = *eta;
  settings->h = *h;
  return std::unique_ptr<Procedure>(std::make_unique<GspProcedure>(spec, system_count, *settings));
}

using Factory = Result<std::unique_ptr<Procedure>> (*)(const ProcedureSpec&, std::uint64_t);

struct Registration {
  const char* name;
  Factory make;
  std::uint32_t smallest_n0 = 2;
};

constexpr Registration kProcedures[] = {
    {"rinott", make_rinott}, {"kn", make_kn},       {"kt", make_kt},     {"nsgs", make_nsgs},
    {"gsp", make_gsp, 0},    {"equal", make_equal}, {"ocba", make_ocba}};

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
    Status requirements = check_common_requirements(spec, system_count, procedure.smallest_n0);
    if (!requirements) return requirements.error();
    return procedure.make(spec, system_count);
  }
  return make_error("procedure: unknown procedure '" + spec.name + "' (known: " + joined_names() +
                    ")");
}

}  // namespace simsel
