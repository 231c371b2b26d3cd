// tp: the three-station flow line of REFERENCE.md 1.2 (throughput maximisation). Systems are
// an explicit list of (r1, r2, r3, b2, b3) or every x with r1+r2+r3 = L and b2+b3 = L,
// numbered on demand. simulate() is the node's hot loop: no allocation, one uniform per
// service time, drawn job by job in the order S_i1, S_i2, S_i3 so CRN stays synchronised.
#include <algorithm>
#include <array>
#include <vector>

#include "common/rng/variates.h"
#include "nodes/models/builtin_models.h"
#include "nodes/models/ragged_index.h"
#include "nodes/models/spec_reader.h"

namespace simsel {
namespace {

constexpr int kJobs = 2050;
constexpr int kWarmupJobs = 2000;
constexpr std::int64_t kMaxL = 2048;  // about 4.3e9 systems, beyond any job we can run

struct FlowLine {
  std::int64_t r1, r2, r3;  // service rates of stations 1..3
  std::int64_t b2, b3;      // capacities of stations 2 and 3, counting the job in service
};

// One replication: departure times by the recursion of REFERENCE.md 1.2, with production
// blocking. Only stations 2 and 3 need history (blocking looks b jobs back).
double simulate_flowline(const FlowLine& x, Mrg32k3a& rng) {
  std::array<double, kJobs> exit2, exit3;
  const double rate1 = x.r1, rate2 = x.r2, rate3 = x.r3;
  double exit1 = 0, prev_exit2 = 0, prev_exit3 = 0;
  for (int i = 0; i < kJobs; ++i) {
    const double s1 = exponential(rng, rate1);
    const double s2 = exponential(rng, rate2);
    const double s3 = exponential(rng, rate3);
    const double done1 = exit1 + s1;
    exit1 = i >= x.b2 ? std::max(done1, exit2[i - x.b2]) : done1;
    const double done2 = std::max(prev_exit2, exit1) + s2;
    prev_exit2 = exit2[i] = i >= x.b3 ? std::max(done2, exit3[i - x.b3]) : done2;
    prev_exit3 = exit3[i] = std::max(prev_exit3, prev_exit2) + s3;
  }
  return (kJobs - kWarmupJobs) / (exit3[kJobs - 1] - exit3[kWarmupJobs - 1]);
}

nlohmann::json params_json(const FlowLine& x) {
  return {{"r1", x.r1}, {"r2", x.r2}, {"r3", x.r3}, {"b2", x.b2}, {"b3", x.b3}};
}

class TpModel : public Model {
 public:
  nlohmann::json system_params(std::uint64_t i) const override { return params_json(system(i)); }
  double simulate(std::uint64_t i, Mrg32k3a& rng) const override {
    return simulate_flowline(system(i), rng);
  }

 protected:
  virtual FlowLine system(std::uint64_t i) const = 0;
};

class TpListModel final : public TpModel {
 public:
  explicit TpListModel(std::vector<FlowLine> systems) : systems_(std::move(systems)) {}
  std::uint64_t system_count() const override { return systems_.size(); }

 private:
  FlowLine system(std::uint64_t i) const override { return systems_[i]; }
  std::vector<FlowLine> systems_;
};

// Numbering, lexicographic in (r1, r2, b2): rates (r1, r2) are the cells of a ragged table
// (row r1 holds r2 = 1..L-1-r1), and each rate triple is followed by its L-1 buffer splits.
class TpFlowlineModel final : public TpModel {
 public:
  explicit TpFlowlineModel(std::int64_t total) : total_(total), rates_(rate_rows(total)) {}
  std::uint64_t system_count() const override { return rates_.size() * splits(); }

 private:
  static std::vector<std::uint64_t> rate_rows(std::int64_t total) {
    std::vector<std::uint64_t> lengths;
    for (std::int64_t r1 = 1; r1 <= total - 2; ++r1) lengths.push_back(total - 1 - r1);
    return lengths;
  }

  std::uint64_t splits() const { return total_ - 1; }

  FlowLine system(std::uint64_t i) const override {
    const RaggedIndex::Cell rates = rates_.locate(i / splits());
    const auto r1 = static_cast<std::int64_t>(rates.row) + 1;
    const auto r2 = static_cast<std::int64_t>(rates.column) + 1;
    const auto b2 = static_cast<std::int64_t>(i % splits()) + 1;
    return {r1, r2, total_ - r1 - r2, b2, total_ - b2};
  }

  std::int64_t total_;
  RaggedIndex rates_;
};

Result<FlowLine> read_system(const nlohmann::json& item, const std::string& path) {
  const KeyList keys{"r1", "r2", "r3", "b2", "b3"};
  if (Status known = check_known_keys(item, path, keys); !known) return known.error();
  std::array<std::int64_t, 5> values{};
  for (std::size_t k = 0; k < keys.size(); ++k) {
    Result<std::int64_t> value = read_integer(item, path, keys[k], 1, 1'000'000'000);
    if (!value) return value.error();
    values[k] = *value;
  }
  return FlowLine{values[0], values[1], values[2], values[3], values[4]};
}

Result<std::unique_ptr<Model>> make_list(const nlohmann::json& list) {
  std::vector<FlowLine> systems;
  for (std::size_t i = 0; i < list.size(); ++i) {
    Result<FlowLine> system = read_system(list[i], item_path("systems.list", i));
    if (!system) return system.error();
    systems.push_back(*system);
  }
  return std::unique_ptr<Model>(std::make_unique<TpListModel>(std::move(systems)));
}

Result<std::unique_ptr<Model>> make_flowline(const nlohmann::json& spec) {
  if (Status known = check_known_keys(spec, "systems", {"generator", "L"}); !known)
    return known.error();
  Result<std::int64_t> total = read_integer(spec, "systems", "L", 3, kMaxL);
  if (!total) return total.error();
  return std::unique_ptr<Model>(std::make_unique<TpFlowlineModel>(*total));
}

Result<std::unique_ptr<Model>> make_tp(const nlohmann::json& systems) {
  Result<SystemsShape> shape = read_systems_shape(systems, "tp", {"flowline"});
  if (!shape) return shape.error();
  if (shape->list != nullptr) return make_list(*shape->list);
  return make_flowline(systems);
}

nlohmann::json integer_param(std::int64_t minimum, const char* help) {
  return {{"type", "integer"}, {"minimum", minimum}, {"help", help}};
}

nlohmann::json tp_schema() {
  return {{"params",
           {{"r1", integer_param(1, "service rate of station 1")},
            {"r2", integer_param(1, "service rate of station 2")},
            {"r3", integer_param(1, "service rate of station 3")},
            {"b2", integer_param(1, "capacity of station 2, counting the job in service")},
            {"b3", integer_param(1, "capacity of station 3, counting the job in service")}}},
          {"generators",
           {{"flowline",
             {{"help", "every x with r1+r2+r3 = L and b2+b3 = L: C(L-1,2)*(L-1) systems"},
              {"params",
               {{"L",
                 {{"type", "integer"},
                  {"minimum", 3},
                  {"maximum", kMaxL},
                  {"help", "total service rate and total capacity"}}}}}}}}}};
}

}  // namespace

ModelEntry tp_model_entry() {
  return {{"tp",
           "Three-station flow line with blocking; output is the throughput of 50 jobs after "
           "a 2,000-job warm-up.",
           true, tp_schema()},
          make_tp};
}

}  // namespace simsel
