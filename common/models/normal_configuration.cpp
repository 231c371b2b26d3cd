// See normal_configuration.h.
#include "common/models/normal_configuration.h"

#include <cmath>
#include <optional>

#include "common/models/spec_reader.h"

namespace simsel {
namespace {

// sigma_i^2 / sigma^2 = 1, 1 + i/(k-1), or 2 - i/(k-1) (0-based i).
enum class VarianceShape { kEqual, kIncreasing, kDecreasing };

// The configurations of REFERENCE.md 1.1, with 1-based i there and 0-based i here.
struct Configuration {
  std::uint64_t k;
  double delta;
  bool slippage;  // SC: mu_0 = delta, others 0; else MDM: mu_i = -i delta
  VarianceShape variances;
  double sigma;
  std::optional<double> correlation;
};

class NormalConfiguration final : public SystemSet {
 public:
  explicit NormalConfiguration(const Configuration& c) : c_(c) {
    names_ = {"mu", "sigma"};
    if (c_.correlation) names_.push_back("correlation");
  }

  std::uint64_t size() const override { return c_.k; }
  const std::vector<std::string>& param_names() const override { return names_; }
  nlohmann::json params(std::uint64_t i) const override {
    double x[3];
    numbers(i, x);
    nlohmann::json out{{"mu", x[0]}, {"sigma", x[1]}};
    if (c_.correlation) out["correlation"] = x[2];
    return out;
  }
  bool numbers(std::uint64_t i, std::span<double> out) const override {
    const double index = static_cast<double>(i);
    const double fraction = index / static_cast<double>(c_.k - 1);
    const double scale = c_.variances == VarianceShape::kEqual        ? 1.0
                         : c_.variances == VarianceShape::kIncreasing ? 1.0 + fraction
                                                                      : 2.0 - fraction;
    out[0] = c_.slippage ? (i == 0 ? c_.delta : 0.0) : -index * c_.delta;
    out[1] = c_.sigma * std::sqrt(scale);
    if (c_.correlation) out[2] = *c_.correlation;
    return true;
  }

 private:
  Configuration c_;
  std::vector<std::string> names_;
};

Result<std::optional<double>> read_correlation(const nlohmann::json& spec,
                                               const std::string& path) {
  if (!spec.contains("correlation")) return std::optional<double>();
  Result<double> rho = read_number(spec, path, "correlation");
  if (!rho) return rho.error();
  if (!(*rho >= 0 && *rho <= 1))
    return field_error(field_path(path, "correlation"), "must be in [0, 1]");
  return std::optional<double>(*rho);
}

}  // namespace

Result<std::unique_ptr<SystemSet>> make_normal_configuration(const nlohmann::json& spec) {
  const std::string path = "systems";
  if (Status known = check_known_keys(
          spec, path, {"generator", "k", "means", "delta", "variances", "sigma", "correlation"});
      !known)
    return known.error();
  Result<std::int64_t> k = read_integer(spec, path, "k", 2);
  if (!k) return k.error();
  Result<std::string> means = read_choice(spec, path, "means", {"slippage", "monotone"});
  if (!means) return means.error();
  Result<double> delta = read_number(spec, path, "delta");
  if (!delta) return delta.error();
  if (*delta <= 0) return field_error(field_path(path, "delta"), "must be > 0");
  Result<std::string> variances =
      read_choice(spec, path, "variances", {"equal", "increasing", "decreasing"});
  if (!variances) return variances.error();
  Result<double> sigma = read_number_or(spec, path, "sigma", 1.0);
  if (!sigma) return sigma.error();
  if (*sigma <= 0) return field_error(field_path(path, "sigma"), "must be > 0");
  Result<std::optional<double>> correlation = read_correlation(spec, path);
  if (!correlation) return correlation.error();
  const VarianceShape shape = *variances == "equal"        ? VarianceShape::kEqual
                              : *variances == "increasing" ? VarianceShape::kIncreasing
                                                           : VarianceShape::kDecreasing;
  return std::unique_ptr<SystemSet>(std::make_unique<NormalConfiguration>(Configuration{
      static_cast<std::uint64_t>(*k), *delta, *means == "slippage", shape, *sigma, *correlation}));
}

}  // namespace simsel
