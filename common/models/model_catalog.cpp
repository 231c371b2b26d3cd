// See model_catalog.h. The schemas here are the one description of the built-in models'
// parameters: validation, GET /api/models (the page's form) and docs/JOBSPEC.md read them.
#include "common/models/model_catalog.h"

#include "common/models/grid_systems.h"
#include "common/models/list_systems.h"
#include "common/models/normal_configuration.h"
#include "common/models/spec_reader.h"

namespace simsel {
namespace {

constexpr std::int64_t kMaxL = 2048;           // tp: about 4.3e9 systems, beyond any job
constexpr std::int64_t kMaxLevel = 1'000'000;  // sS: inventory levels

using nlohmann::json;

json integer_param(std::int64_t minimum, const char* help) {
  return {{"type", "integer"}, {"minimum", minimum}, {"help", help}};
}

json level_param(std::int64_t minimum, const char* help) {
  return {{"type", "integer"}, {"minimum", minimum}, {"maximum", kMaxLevel}, {"help", help}};
}

ModelDescriptor normal_descriptor() {
  json configuration = {
      {"help", "k systems in a classic configuration of means and variances"},
      {"params",
       {{"k", {{"type", "integer"}, {"minimum", 2}, {"help", "number of systems"}}},
        {"means",
         {{"type", "string"},
          {"enum", {"slippage", "monotone"}},
          {"help", "slippage: mu_1 = delta, others 0; monotone: mu_i = -(i-1) delta"}}},
        {"delta", {{"type", "number"}, {"exclusiveMinimum", 0}, {"help", "gap between means"}}},
        {"variances",
         {{"type", "string"},
          {"enum", {"equal", "increasing", "decreasing"}},
          {"help", "sigma_i^2 / sigma^2 = 1, 1 + (i-1)/(k-1), or 2 - (i-1)/(k-1)"}}},
        {"sigma",
         {{"type", "number"},
          {"exclusiveMinimum", 0},
          {"default", 1},
          {"help", "base standard deviation"}}},
        {"correlation",
         {{"type", "number"},
          {"minimum", 0},
          {"maximum", 1},
          {"help",
           "optional correlation rho between systems under CRN: X_i = mu_i + sigma_i "
           "(sqrt(rho) Z + sqrt(1 - rho) Z_i); absent: outputs perfectly correlated "
           "under CRN"}}}}}};
  return {"normal",
          "Normal outputs with given means and variances, for validating procedures.",
          "x",
          true,
          1,
          {{"params",
            {{"mu", {{"type", "number"}, {"help", "mean of the system's output"}}},
             {"sigma",
              {{"type", "number"}, {"exclusiveMinimum", 0}, {"help", "standard deviation"}}}}},
           {"generators", {{"configuration", configuration}}}}};
}

ModelDescriptor tp_descriptor() {
  json flowline = {
      {"help", "every x with r1+r2+r3 = L and b2+b3 = L: C(L-1,2)*(L-1) systems"},
      {"params",
       {{"L",
         {{"type", "integer"},
          {"minimum", 3},
          {"maximum", kMaxL},
          {"help", "total service rate and total capacity"}}}}}};
  return {"tp",
          "Three-station flow line with blocking; output is the throughput of 50 jobs after a "
          "2,000-job warm-up.",
          "throughput",
          true,
          1,
          {{"params",
            {{"r1", integer_param(1, "service rate of station 1")},
             {"r2", integer_param(1, "service rate of station 2")},
             {"r3", integer_param(1, "service rate of station 3")},
             {"b2", integer_param(1, "capacity of station 2, counting the job in service")},
             {"b3", integer_param(1, "capacity of station 3, counting the job in service")}}},
           {"generators", {{"flowline", flowline}}}}};
}

ModelDescriptor ss_descriptor() {
  json grid = {{"help", "every (s, S) on the grid with s < S (shorthand of a general grid)"},
               {"params",
                {{"s_min", level_param(0, "smallest s")},
                 {"s_max", level_param(0, "largest s; must be >= s_min")},
                 {"S_min", level_param(0, "smallest S")},
                 {"S_max", level_param(0, "largest S; must be >= S_min")},
                 {"step", level_param(1, "grid spacing of both s and S")}}}};
  return {"sS",
          "(s,S) inventory with Poisson(25) demand; output is the mean cost per period over 30 "
          "periods after a 100-period warm-up.",
          "cost per period",
          false,
          1,
          {{"params",
            {{"s", level_param(0, "reorder point: order when the inventory position is below s")},
             {"S", level_param(1, "order-up-to level; must be > s")}}},
           {"generators", {{"grid", grid}}}}};
}

// tp's flowline of L: the grid r1+r2+r3 = L, b2+b3 = L, in the order (r1, r2, b2).
Result<std::unique_ptr<SystemSet>> make_flowline(const json& spec) {
  if (Status known = check_known_keys(spec, "systems", {"generator", "L"}); !known)
    return known.error();
  Result<std::int64_t> total = read_integer(spec, "systems", "L", 3, kMaxL);
  if (!total) return total.error();
  const auto L = static_cast<double>(*total);
  const std::string sum = std::to_string(*total);
  GridSpec grid{{{"r1", 1, L - 2}, {"r2", 1, L - 2}, {"r3", 1, L - 2}, {"b2", 1, L - 1},
                 {"b3", 1, L - 1}},
                {"r1 + r2 + r3 == " + sum, "b2 + b3 == " + sum}};
  return make_grid_systems(grid);
}

// sS's grid shorthand (s_min, s_max, S_min, S_max, step): the grid of (s, S) with s < S.
Result<std::unique_ptr<SystemSet>> make_ss_grid(const json& spec) {
  if (Status known = check_known_keys(spec, "systems",
                                      {"generator", "s_min", "s_max", "S_min", "S_max", "step"});
      !known)
    return known.error();
  const KeyList bounds{"s_min", "s_max", "S_min", "S_max", "step"};
  double values[5];
  for (std::size_t k = 0; k < bounds.size(); ++k) {
    Result<std::int64_t> value = read_integer(spec, "systems", bounds[k], k < 4 ? 0 : 1, kMaxLevel);
    if (!value) return value.error();
    values[k] = static_cast<double>(*value);
  }
  if (values[1] < values[0]) return field_error("systems.s_max", "must be >= s_min");
  if (values[3] < values[2]) return field_error("systems.S_max", "must be >= S_min");
  GridSpec grid{{{"s", values[0], values[1], values[4]}, {"S", values[2], values[3], values[4]}},
                {"s < S"}};
  auto set = make_grid_systems(grid);
  if (!set) return field_error("systems", "the grid holds no pair with s < S");
  return set;
}

// sS's rule that a schema cannot say.
Status check_ss_list(const SystemSet& set) {
  for (std::uint64_t i = 0; i < set.size(); ++i) {
    const json p = set.params(i);
    if (p["S"].get<double>() <= p["s"].get<double>())
      return field_error(item_path("systems.list", i) + ".S", "must be > s");
  }
  return Ok{};
}

Result<std::unique_ptr<SystemSet>> make_generated(std::string_view model, const json& systems) {
  const json& generator = systems["generator"];
  const std::string name = generator.is_string() ? generator.get<std::string>() : generator.dump();
  // sS's shorthand shares the name: a grid with `params` is the general one.
  const bool ss_shorthand = model == "sS" && !systems.contains("params");
  if (name == "grid" && !ss_shorthand) {
    Result<GridSpec> grid = read_grid_spec(systems);
    if (!grid) return grid.error();
    return make_grid_systems(*grid);
  }
  if (model == "normal" && name == "configuration") return make_normal_configuration(systems);
  if (model == "tp" && name == "flowline") return make_flowline(systems);
  if (ss_shorthand && name == "grid") return make_ss_grid(systems);
  std::string known = "grid";
  if (const ModelDescriptor* builtin = find_builtin_model(model)) {
    for (const auto& [own, schema] : builtin->schema["generators"].items())
      if (own != "grid") known += ", " + own;
  }
  return field_error("systems.generator", "unknown generator '" + name + "' for model " +
                                              std::string(model) + " (known: " + known + ")");
}

}  // namespace

const std::vector<ModelDescriptor>& builtin_model_descriptors() {
  static const std::vector<ModelDescriptor> all{normal_descriptor(), tp_descriptor(),
                                                ss_descriptor()};
  return all;
}

const ModelDescriptor* find_builtin_model(std::string_view name) {
  for (const ModelDescriptor& d : builtin_model_descriptors())
    if (d.name == name) return &d;
  return nullptr;
}

Result<std::unique_ptr<SystemSet>> make_system_set(std::string_view model, const json& systems) {
  if (!systems.is_object() || systems.contains("list") == systems.contains("generator"))
    return field_error("systems", "must be an object with either \"list\" or \"generator\"");
  Result<std::unique_ptr<SystemSet>> set = make_error("");
  if (systems.contains("list")) {
    if (Status known = check_known_keys(systems, "systems", {"list"}); !known)
      return known.error();
    set = make_list_systems(systems["list"]);
  } else {
    set = make_generated(model, systems);
  }
  if (!set) return set;
  if (const ModelDescriptor* builtin = find_builtin_model(model)) {
    if (Status ok = check_systems(*builtin, **set, systems); !ok) return ok.error();
    if (model == "sS" && systems.contains("list")) {
      if (Status ok = check_ss_list(**set); !ok) return ok.error();
    }
  }
  return set;
}

}  // namespace simsel
