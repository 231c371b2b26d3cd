// tp: the three-station flow line of REFERENCE.md 1.2 (throughput maximisation), simulated.
// replicate() is the node's hot loop: no allocation, one uniform per service time, drawn job
// by job in the order S_i1, S_i2, S_i3 so CRN stays synchronised. Its systems (a list, or the
// flowline grid r1+r2+r3 = L, b2+b3 = L) are described in common/models/model_catalog.cpp.
#include <algorithm>
#include <array>
#include <cstdint>

#include "common/rng/variates.h"
#include "nodes/models/builtin_simulator.h"

namespace simsel {
namespace {

constexpr int kJobs = 2050;
constexpr int kWarmupJobs = 2000;

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

class TpSimulator final : public BuiltinSimulator {
 public:
  explicit TpSimulator(const std::vector<std::string>& columns)
      : r1_(column_of(columns, "r1")),
        r2_(column_of(columns, "r2")),
        r3_(column_of(columns, "r3")),
        b2_(column_of(columns, "b2")),
        b3_(column_of(columns, "b3")) {}

  double replicate(std::uint64_t, const double* row, Mrg32k3a& rng) const override {
    const auto at = [row](int column) { return static_cast<std::int64_t>(row[column]); };
    return simulate_flowline({at(r1_), at(r2_), at(r3_), at(b2_), at(b3_)}, rng);
  }

 private:
  int r1_, r2_, r3_, b2_, b3_;
};

}  // namespace

std::unique_ptr<BuiltinSimulator> make_tp_simulator(const std::vector<std::string>& columns) {
  return std::make_unique<TpSimulator>(columns);
}

}  // namespace simsel
