// sS: the (s,S) inventory problem of REFERENCE.md 1.3 (cost minimisation). Systems are an
// explicit list of (s, S) policies or a grid of them, numbered on demand. One Poisson
// demand per period, each from one uniform, so CRN stays synchronised across policies.
#include <algorithm>
#include <vector>

#include "common/rng/variates.h"
#include "nodes/models/builtin_models.h"
#include "nodes/models/ragged_index.h"
#include "nodes/models/spec_reader.h"

namespace simsel {
namespace {

constexpr int kWarmupPeriods = 100;
constexpr int kMeasuredPeriods = 30;
constexpr double kDemandMean = 25;
constexpr double kFixedOrderCost = 32, kUnitOrderCost = 3;
constexpr double kHoldingCost = 1, kBackorderCost = 5;  // per unit at period end
constexpr std::int64_t kMaxLevel = 1'000'000;

struct Policy {
  std::int64_t s;  // reorder when the inventory position is below s
  std::int64_t S;  // order up to S
};

// One period: review (delivery is instant, so on-hand minus backorders is the position),
// then demand, then holding or backorder cost on what is left.
double run_period(const Policy& policy, std::int64_t& level, Mrg32k3a& rng) {
  double cost = 0;
  if (level < policy.s) {
    cost += kFixedOrderCost + kUnitOrderCost * static_cast<double>(policy.S - level);
    level = policy.S;
  }
  level -= poisson(rng, kDemandMean);
  cost += level >= 0 ? kHoldingCost * static_cast<double>(level)
                     : kBackorderCost * static_cast<double>(-level);
  return cost;
}

// One replication: start at S, run the warm-up, return the mean cost of the measured periods.
double simulate_policy(const Policy& policy, Mrg32k3a& rng) {
  std::int64_t level = policy.S;
  double measured = 0;
  for (int t = 0; t < kWarmupPeriods + kMeasuredPeriods; ++t) {
    const double cost = run_period(policy, level, rng);
    if (t >= kWarmupPeriods) measured += cost;
  }
  return measured / kMeasuredPeriods;
}

class SsModel : public Model {
 public:
  nlohmann::json system_params(std::uint64_t i) const override {
    const Policy p = system(i);
    return {{"s", p.s}, {"S", p.S}};
  }
  double simulate(std::uint64_t i, Mrg32k3a& rng) const override {
    return simulate_policy(system(i), rng);
  }

 protected:
  virtual Policy system(std::uint64_t i) const = 0;
};

class SsListModel final : public SsModel {
 public:
  explicit SsListModel(std::vector<Policy> policies) : policies_(std::move(policies)) {}
  std::uint64_t system_count() const override { return policies_.size(); }

 private:
  Policy system(std::uint64_t i) const override { return policies_[i]; }
  std::vector<Policy> policies_;
};

struct Grid {
  std::int64_t s_min, s_max, S_min, S_max, step;

  std::int64_t s_value(std::uint64_t row) const {
    return s_min + static_cast<std::int64_t>(row) * step;
  }
  std::int64_t s_count() const { return (s_max - s_min) / step + 1; }
  std::int64_t S_count() const { return (S_max - S_min) / step + 1; }
  // The first grid value of S above s.
  std::int64_t first_S_above(std::int64_t s) const {
    return s < S_min ? 0 : std::min(S_count(), (s - S_min) / step + 1);
  }
};

// Numbering: row by row over s ascending, then S ascending among the S > s of the grid.
class SsGridModel final : public SsModel {
 public:
  explicit SsGridModel(const Grid& grid) : grid_(grid), pairs_(row_lengths(grid)) {}
  std::uint64_t system_count() const override { return pairs_.size(); }

  static std::vector<std::uint64_t> row_lengths(const Grid& grid) {
    std::vector<std::uint64_t> lengths;
    for (std::int64_t row = 0; row < grid.s_count(); ++row) {
      lengths.push_back(grid.S_count() - grid.first_S_above(grid.s_value(row)));
    }
    return lengths;
  }

 private:
  Policy system(std::uint64_t i) const override {
    const RaggedIndex::Cell cell = pairs_.locate(i);
    const std::int64_t s = grid_.s_value(cell.row);
    const std::int64_t column = grid_.first_S_above(s) + static_cast<std::int64_t>(cell.column);
    return {s, grid_.S_min + column * grid_.step};
  }

  Grid grid_;
  RaggedIndex pairs_;
};

Result<Policy> read_system(const nlohmann::json& item, const std::string& path) {
  if (Status known = check_known_keys(item, path, {"s", "S"}); !known) return known.error();
  Result<std::int64_t> s = read_integer(item, path, "s", 0, kMaxLevel);
  if (!s) return s.error();
  Result<std::int64_t> S = read_integer(item, path, "S", 1, kMaxLevel);
  if (!S) return S.error();
  if (*S <= *s) return field_error(field_path(path, "S"), "must be > s");
  return Policy{*s, *S};
}

Result<std::unique_ptr<Model>> make_list(const nlohmann::json& list) {
  std::vector<Policy> policies;
  for (std::size_t i = 0; i < list.size(); ++i) {
    Result<Policy> policy = read_system(list[i], item_path("systems.list", i));
    if (!policy) return policy.error();
    policies.push_back(*policy);
  }
  return std::unique_ptr<Model>(std::make_unique<SsListModel>(std::move(policies)));
}

Result<Grid> read_grid(const nlohmann::json& spec) {
  const KeyList bounds{"s_min", "s_max", "S_min", "S_max", "step"};
  std::int64_t values[5];
  for (std::size_t k = 0; k < bounds.size(); ++k) {
    Result<std::int64_t> value = read_integer(spec, "systems", bounds[k], k < 4 ? 0 : 1, kMaxLevel);
    if (!value) return value.error();
    values[k] = *value;
  }
  const Grid grid{values[0], values[1], values[2], values[3], values[4]};
  if (grid.s_max < grid.s_min) return field_error("systems.s_max", "must be >= s_min");
  if (grid.S_max < grid.S_min) return field_error("systems.S_max", "must be >= S_min");
  return grid;
}

Result<std::unique_ptr<Model>> make_grid(const nlohmann::json& spec) {
  if (Status known = check_known_keys(spec, "systems",
                                      {"generator", "s_min", "s_max", "S_min", "S_max", "step"});
      !known)
    return known.error();
  Result<Grid> grid = read_grid(spec);
  if (!grid) return grid.error();
  auto model = std::make_unique<SsGridModel>(*grid);
  if (model->system_count() == 0)
    return field_error("systems", "the grid holds no pair with s < S");
  return std::unique_ptr<Model>(std::move(model));
}

Result<std::unique_ptr<Model>> make_ss(const nlohmann::json& systems) {
  Result<SystemsShape> shape = read_systems_shape(systems, "sS", {"grid"});
  if (!shape) return shape.error();
  if (shape->list != nullptr) return make_list(*shape->list);
  return make_grid(systems);
}

nlohmann::json level_param(std::int64_t minimum, const char* help) {
  return {{"type", "integer"}, {"minimum", minimum}, {"maximum", kMaxLevel}, {"help", help}};
}

nlohmann::json ss_schema() {
  return {{"params",
           {{"s", level_param(0, "reorder point: order when the inventory position is below s")},
            {"S", level_param(1, "order-up-to level; must be > s")}}},
          {"generators",
           {{"grid",
             {{"help", "every (s, S) on the grid with s < S"},
              {"params",
               {{"s_min", level_param(0, "smallest s")},
                {"s_max", level_param(0, "largest s; must be >= s_min")},
                {"S_min", level_param(0, "smallest S")},
                {"S_max", level_param(0, "largest S; must be >= S_min")},
                {"step", level_param(1, "grid spacing of both s and S")}}}}}}}};
}

}  // namespace

ModelEntry ss_model_entry() {
  return {{"sS",
           "(s,S) inventory with Poisson(25) demand; output is the mean cost per period over 30 "
           "periods after a 100-period warm-up.",
           false, ss_schema()},
          make_ss};
}

}  // namespace simsel
