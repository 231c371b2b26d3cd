// sS: the (s,S) inventory problem of REFERENCE.md 1.3 (cost minimisation), simulated. One
// Poisson demand per period, each from one uniform, so CRN stays synchronised across policies.
// Its systems (a list, or the grid of (s, S) with s < S) are described in common/models.
#include <cstdint>

#include "common/rng/variates.h"
#include "nodes/models/builtin_simulator.h"

namespace simsel {
namespace {

constexpr int kWarmupPeriods = 100;
constexpr int kMeasuredPeriods = 30;
constexpr double kDemandMean = 25;
constexpr double kFixedOrderCost = 32, kUnitOrderCost = 3;
constexpr double kHoldingCost = 1, kBackorderCost = 5;  // per unit at period end

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

class SsSimulator final : public BuiltinSimulator {
 public:
  explicit SsSimulator(const std::vector<std::string>& columns)
      : s_(column_of(columns, "s")), S_(column_of(columns, "S")) {}

  double replicate(std::uint64_t, const double* row, Mrg32k3a& rng) const override {
    return simulate_policy(
        {static_cast<std::int64_t>(row[s_]), static_cast<std::int64_t>(row[S_])}, rng);
  }

 private:
  int s_, S_;
};

}  // namespace

std::unique_ptr<BuiltinSimulator> make_ss_simulator(const std::vector<std::string>& columns) {
  return std::make_unique<SsSimulator>(columns);
}

}  // namespace simsel
