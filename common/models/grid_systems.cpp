// See grid_systems.h.
//
// Enumeration. Each equality constraint fixes its last parameter (in declaration order) that no
// earlier equality fixed; that parameter is computed from the ones before it. The remaining
// parameters are free. Rows are the feasible assignments of the free parameters before the last
// free one, F; given a row, every quantity is affine in F's step index k, so each constraint
// (and each fixed parameter's range) holds on an interval of k, and a row's points are one
// interval. Rows are found by trying every assignment of the parameters before F, which is why
// that product is bounded; within a row nothing is tried.
#include "common/models/grid_systems.h"

#include <cmath>
#include <limits>
#include <optional>

#include "common/models/linear_constraint.h"
#include "common/models/ragged_index.h"
#include "common/models/spec_reader.h"

namespace simsel {
namespace {

constexpr double kMaxCandidates = 1e7;  // assignments of the parameters before F tried, at most
constexpr std::uint64_t kMaxRows = 1u << 24;
constexpr double kTolerance = 1e-9;     // relative, for grids of real numbers
constexpr double kMaxSteps = 1e15;      // per parameter: step counts stay exact in a double

bool integral(double x) { return std::isfinite(x) && std::floor(x) == x; }

std::uint64_t step_count(const GridParam& p) {
  return static_cast<std::uint64_t>(std::floor((p.max - p.min) / p.step * (1 + kTolerance))) + 1;
}

// A constraint as an interval test on k: residual(k) = at0 + slope * k (relation) 0.
struct Interval {
  std::uint64_t lo;
  std::uint64_t hi;  // exclusive
};

Interval solve(LinearConstraint::Relation relation, double at0, double slope, std::uint64_t n,
               double scale) {
  const double tol = kTolerance * scale;
  const auto nd = static_cast<double>(n);
  const Interval none{0, 0}, all{0, n};
  auto clamp = [&](double lo, double hi) -> Interval {  // real bounds on k, inclusive
    lo = std::max(lo, 0.0);
    hi = std::min(hi, nd - 1);
    if (lo > hi) return none;
    return {static_cast<std::uint64_t>(lo), static_cast<std::uint64_t>(hi) + 1};
  };
  if (std::fabs(slope) <= tol) {
    const bool holds = relation == LinearConstraint::Relation::kEqual ? std::fabs(at0) <= tol
                       : relation == LinearConstraint::Relation::kAtMost ? at0 <= tol
                                                                          : at0 < -tol;
    return holds ? all : none;
  }
  if (relation == LinearConstraint::Relation::kEqual) {
    const double k = -at0 / slope;
    const double nearest = std::round(k);
    if (std::fabs(at0 + slope * nearest) > tol) return none;
    return clamp(nearest, nearest);
  }
  const double bound = relation == LinearConstraint::Relation::kAtMost ? tol : -tol;
  const double edge = (bound - at0) / slope;  // residual(edge) == bound
  const bool strict = relation == LinearConstraint::Relation::kBelow;
  if (slope > 0) return clamp(0, strict ? std::ceil(edge) - 1 : std::floor(edge));
  return clamp(strict ? std::floor(edge) + 1 : std::ceil(edge), nd - 1);
}

class GridSystems final : public SystemSet {
 public:
  static Result<std::unique_ptr<SystemSet>> make(const GridSpec& spec);

  std::uint64_t size() const override { return rows_.size(); }
  const std::vector<std::string>& param_names() const override { return names_; }
  nlohmann::json params(std::uint64_t i) const override {
    const std::vector<double> x = point(i);
    nlohmann::json out = nlohmann::json::object();
    for (std::size_t p = 0; p < params_.size(); ++p) {
      if (params_[p].integer)
        out[params_[p].name] = static_cast<std::int64_t>(std::llround(x[p]));
      else
        out[params_[p].name] = x[p];
    }
    return out;
  }
  bool numbers(std::uint64_t i, std::span<double> out) const override {
    const std::vector<double> x = point(i);
    std::copy(x.begin(), x.end(), out.begin());
    return true;
  }

 private:
  GridSystems(std::vector<GridParam> params, std::vector<LinearConstraint> constraints)
      : params_(std::move(params)), constraints_(std::move(constraints)), rows_(std::vector<std::uint64_t>{}) {
    for (const auto& p : params_) names_.push_back(p.name);
  }

  Status classify();
  Status enumerate();
  // Every parameter's value for the free-parameter step indices `steps` (fixed ones ignored).
  void evaluate(std::vector<double>& x, const std::vector<std::uint64_t>& steps) const;
  Interval row_interval(std::vector<std::uint64_t>& steps) const;
  std::vector<double> point(std::uint64_t i) const;

  std::vector<GridParam> params_;
  std::vector<std::string> names_;
  std::vector<LinearConstraint> constraints_;
  std::vector<int> fixed_by_;         // per parameter: the equality that fixes it, or -1
  std::vector<bool> filter_;          // per constraint: checked (true) or used to fix (false)
  std::vector<std::size_t> free_;     // free parameters in order; the last is F
  std::vector<std::uint64_t> counts_;  // step counts per parameter
  std::vector<std::uint64_t> row_codes_;  // per row: mixed-radix code of the steps before F
  std::vector<std::uint64_t> row_first_;  // per row: F's first step
  RaggedIndex rows_;
};

Status GridSystems::classify() {
  fixed_by_.assign(params_.size(), -1);
  filter_.assign(constraints_.size(), true);
  for (std::size_t c = 0; c < constraints_.size(); ++c) {
    const LinearConstraint& constraint = constraints_[c];
    if (constraint.relation != LinearConstraint::Relation::kEqual) continue;
    std::size_t last = params_.size();
    for (std::size_t p = 0; p < params_.size(); ++p)
      if (constraint.coefficients[p] != 0) last = p;
    if (fixed_by_[last] >= 0) continue;  // already fixed: this equality is only checked
    if (params_[last].integer) {
      bool exact = std::fabs(constraint.coefficients[last]) == 1 && integral(constraint.constant);
      for (std::size_t p = 0; p < last; ++p)
        if (constraint.coefficients[p] != 0)
          exact = exact && params_[p].integer && integral(constraint.coefficients[p]);
      if (!exact)
        return make_error("constraint '" + constraint.text + "' fixes integer parameter " +
                          params_[last].name +
                          ": its coefficient must be 1 or -1, the others and the constant "
                          "integers, and the other parameters integers");
    }
    fixed_by_[last] = static_cast<int>(c);
    filter_[c] = false;
  }
  for (std::size_t p = 0; p < params_.size(); ++p) {
    counts_.push_back(step_count(params_[p]));
    if (fixed_by_[p] < 0) free_.push_back(p);
  }
  return Ok{};
}

void GridSystems::evaluate(std::vector<double>& x, const std::vector<std::uint64_t>& steps) const {
  for (std::size_t p = 0; p < params_.size(); ++p) {
    if (fixed_by_[p] < 0) {
      x[p] = params_[p].min + static_cast<double>(steps[p]) * params_[p].step;
      continue;
    }
    // Solve the fixing equality for x[p]; every other parameter in it comes earlier.
    const LinearConstraint& eq = constraints_[static_cast<std::size_t>(fixed_by_[p])];
    double rest = eq.constant;
    for (std::size_t q = 0; q < p; ++q) rest += eq.coefficients[q] * x[q];
    x[p] = -rest / eq.coefficients[p];
  }
}

// The steps of F (as an interval) at which every check holds, given the steps before F in
// `steps`; steps[F] is used as scratch.
Interval GridSystems::row_interval(std::vector<std::uint64_t>& steps) const {
  const std::size_t last = free_.empty() ? params_.size() : free_.back();
  const std::uint64_t n = free_.empty() ? 1 : counts_[last];
  std::vector<double> at0(params_.size()), at1(params_.size());
  if (!free_.empty()) steps[last] = 0;
  evaluate(at0, steps);
  if (!free_.empty()) steps[last] = 1;
  evaluate(at1, steps);
  Interval row{0, n};
  auto narrow = [&](LinearConstraint::Relation relation, double r0, double r1, double scale) {
    const Interval allowed = solve(relation, r0, r1 - r0, n, scale);
    row.lo = std::max(row.lo, allowed.lo);
    row.hi = std::min(row.hi, allowed.hi);
  };
  for (std::size_t c = 0; c < constraints_.size() && row.lo < row.hi; ++c) {
    if (!filter_[c]) continue;
    const double r0 = constraints_[c].residual(at0), r1 = constraints_[c].residual(at1);
    narrow(constraints_[c].relation, r0, r1, 1 + std::fabs(r0) + std::fabs(r1));
  }
  for (std::size_t p = 0; p < params_.size() && row.lo < row.hi; ++p) {
    if (fixed_by_[p] < 0) continue;  // free parameters stay in range by construction
    const double scale = 1 + std::fabs(at0[p]) + std::fabs(at1[p]);
    narrow(LinearConstraint::Relation::kAtMost, at0[p] - params_[p].max, at1[p] - params_[p].max,
           scale);
    narrow(LinearConstraint::Relation::kAtMost, params_[p].min - at0[p], params_[p].min - at1[p],
           scale);
  }
  return row;
}

Status GridSystems::enumerate() {
  const std::vector<std::size_t> before(free_.begin(), free_.empty() ? free_.end() : free_.end() - 1);
  double candidates = 1;
  for (std::size_t p : before) candidates *= static_cast<double>(counts_[p]);
  if (candidates > kMaxCandidates) {
    std::string names;
    for (std::size_t p : before) names += (names.empty() ? "" : ", ") + params_[p].name;
    return make_error("the parameters before the last free one (" + names + ") span " +
                      std::to_string(static_cast<std::uint64_t>(candidates)) +
                      " combinations; at most 10^7 (fix more parameters with equalities)");
  }
  std::vector<std::uint64_t> lengths;
  std::vector<std::uint64_t> steps(params_.size(), 0);
  const auto total = static_cast<std::uint64_t>(candidates);
  for (std::uint64_t code = 0; code < total; ++code) {
    std::uint64_t rest = code;
    for (std::size_t j = before.size(); j-- > 0;) {
      steps[before[j]] = rest % counts_[before[j]];
      rest /= counts_[before[j]];
    }
    const Interval row = row_interval(steps);
    if (row.lo >= row.hi) continue;
    if (row_codes_.size() >= kMaxRows)
      return make_error("more than " + std::to_string(kMaxRows) + " rows of points");
    row_codes_.push_back(code);
    row_first_.push_back(row.lo);
    lengths.push_back(row.hi - row.lo);
  }
  if (lengths.empty()) return make_error("no point of the grid satisfies the constraints");
  rows_ = RaggedIndex(lengths);
  return Ok{};
}

std::vector<double> GridSystems::point(std::uint64_t i) const {
  const RaggedIndex::Cell cell = rows_.locate(i);
  std::vector<std::uint64_t> steps(params_.size(), 0);
  std::uint64_t rest = row_codes_[cell.row];
  for (std::size_t j = free_.empty() ? 0 : free_.size() - 1; j-- > 0;) {
    steps[free_[j]] = rest % counts_[free_[j]];
    rest /= counts_[free_[j]];
  }
  if (!free_.empty()) steps[free_.back()] = row_first_[cell.row] + cell.column;
  std::vector<double> x(params_.size());
  evaluate(x, steps);
  return x;
}

Result<std::unique_ptr<SystemSet>> GridSystems::make(const GridSpec& spec) {
  std::vector<std::string> names;
  for (const auto& p : spec.params) names.push_back(p.name);
  std::vector<LinearConstraint> constraints;
  for (std::size_t c = 0; c < spec.constraints.size(); ++c) {
    auto parsed = parse_linear_constraint(spec.constraints[c], names);
    if (!parsed)
      return field_error(item_path("systems.constraints", c),
                         "'" + spec.constraints[c] + "': " + parsed.error().message);
    constraints.push_back(std::move(parsed.value()));
  }
  std::unique_ptr<GridSystems> grid(new GridSystems(spec.params, std::move(constraints)));
  if (Status classified = grid->classify(); !classified)
    return field_error("systems.constraints", classified.error().message);
  if (Status enumerated = grid->enumerate(); !enumerated)
    return field_error("systems", "grid: " + enumerated.error().message);
  return std::unique_ptr<SystemSet>(std::move(grid));
}

Result<GridParam> read_grid_param(const nlohmann::json& item, const std::string& path) {
  if (!item.is_object()) return field_error(path, "must be a table {name, min, max, step}");
  if (Status known = check_known_keys(item, path, {"name", "min", "max", "step", "type"}); !known)
    return known.error();
  GridParam p;
  const auto name = item.find("name");
  if (name == item.end() || !name->is_string() || name->get_ref<const std::string&>().empty())
    return field_error(field_path(path, "name"), "required: a parameter name");
  p.name = name->get<std::string>();
  Result<double> min = read_number(item, path, "min");
  if (!min) return min.error();
  Result<double> max = read_number(item, path, "max");
  if (!max) return max.error();
  Result<double> step = read_number_or(item, path, "step", 1.0);
  if (!step) return step.error();
  p.min = *min, p.max = *max, p.step = *step;
  if (!(p.step > 0)) return field_error(field_path(path, "step"), "must be > 0");
  if (p.max < p.min) return field_error(field_path(path, "max"), "must be >= min");
  const bool all_integers = integral(p.min) && integral(p.max) && integral(p.step);
  if (item.contains("type")) {
    Result<std::string> type = read_choice(item, path, "type", {"integer", "number"});
    if (!type) return type.error();
    p.integer = *type == "integer";
    if (p.integer && !all_integers)
      return field_error(path, "an integer parameter needs integer min, max and step");
  } else {
    p.integer = all_integers && !item["min"].is_number_float() && !item["max"].is_number_float();
  }
  if (std::fabs(p.min) > 9e15 || std::fabs(p.max) > 9e15)
    return field_error(path, "min and max must lie within +-9e15");
  if (!((p.max - p.min) / p.step <= kMaxSteps))  // also catches an overflow to infinity
    return field_error(path, "(max - min) / step must be at most 10^15 steps");
  return p;
}

}  // namespace

Result<GridSpec> read_grid_spec(const nlohmann::json& systems) {
  if (Status known = check_known_keys(systems, "systems", {"generator", "params", "constraints"});
      !known)
    return known.error();
  const auto params = systems.find("params");
  if (params == systems.end() || !params->is_array() || params->empty())
    return field_error("systems.params", "must be a non-empty array of {name, min, max, step}");
  GridSpec spec;
  for (std::size_t k = 0; k < params->size(); ++k) {
    Result<GridParam> p = read_grid_param((*params)[k], item_path("systems.params", k));
    if (!p) return p.error();
    for (const auto& seen : spec.params)
      if (seen.name == p->name)
        return field_error(item_path("systems.params", k) + ".name", "'" + p->name + "' twice");
    spec.params.push_back(*p);
  }
  if (const auto constraints = systems.find("constraints"); constraints != systems.end()) {
    if (!constraints->is_array())
      return field_error("systems.constraints", "must be an array of strings");
    for (std::size_t c = 0; c < constraints->size(); ++c) {
      if (!(*constraints)[c].is_string())
        return field_error(item_path("systems.constraints", c), "must be a string");
      spec.constraints.push_back((*constraints)[c].get<std::string>());
    }
  }
  return spec;
}

Result<std::unique_ptr<SystemSet>> make_grid_systems(const GridSpec& spec) {
  return GridSystems::make(spec);
}

}  // namespace simsel
