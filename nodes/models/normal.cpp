// normal: the synthetic test problem of REFERENCE.md 1.1, simulated. System i returns
// N(mu_i, sigma_i^2). Its systems (a list, or the `configuration` generator) are described in
// common/models (normal_configuration.h).
//
// Uniforms of one replication, each turned into a normal by inversion (Phi^-1):
//   no correlation (lists; generator without `correlation`): X_i = mu_i + sigma_i Phi^-1(u1).
//   generator with correlation rho: X_i = mu_i + sigma_i (sqrt(rho) Z + sqrt(1 - rho) Z_i) with
//     Z = Phi^-1(u1) and Z_i = Phi^-1(v_i), v_i = output i of splitmix64 seeded with the bits
//     of u2, mapped into (0,1). Under CRN all systems share u1 and u2, so Z is common while the
//     Z_i are unrelated: corr(X_i, X_l) = rho. Without CRN every system has its own stream.
#include <bit>
#include <cmath>

#include "common/rng/splitmix64.h"
#include "common/rng/variates.h"
#include "nodes/models/builtin_simulator.h"

namespace simsel {
namespace {

// A uniform in (0,1) from the top 53 bits of a word: never 0 nor 1, so Phi^-1 stays finite.
double open_unit_interval(std::uint64_t bits) {
  return (static_cast<double>(bits >> 11) + 0.5) * 0x1p-53;
}

// Z_i of the file comment: the stream's next uniform u2 hashed with the system index, so systems
// sharing u2 (CRN) still get independent normals, and a system's Z_i is a function of its stream.
double own_standard_normal(std::uint64_t i, Mrg32k3a& rng) {
  const std::uint64_t seed = std::bit_cast<std::uint64_t>(rng.next_uniform());
  return standard_normal_quantile(open_unit_interval(splitmix64_at(seed, i)));
}

class NormalSimulator final : public BuiltinSimulator {
 public:
  explicit NormalSimulator(const std::vector<std::string>& columns)
      : mu_(column_of(columns, "mu")),
        sigma_(column_of(columns, "sigma")),
        correlation_(column_of(columns, "correlation")) {}

  double replicate(std::uint64_t i, const double* row, Mrg32k3a& rng) const override {
    const double mu = row[mu_], sigma = row[sigma_];
    const double common = standard_normal(rng);
    if (correlation_ < 0 || std::isnan(row[correlation_])) return mu + sigma * common;
    const double rho = row[correlation_];
    const double own = own_standard_normal(i, rng);
    return mu + sigma * (std::sqrt(rho) * common + std::sqrt(1 - rho) * own);
  }

 private:
  int mu_, sigma_, correlation_;  // columns; correlation_ is -1 when systems have none
};

}  // namespace

std::unique_ptr<BuiltinSimulator> make_normal_simulator(const std::vector<std::string>& columns) {
  return std::make_unique<NormalSimulator>(columns);
}

}  // namespace simsel
