// normal: the synthetic test problem of REFERENCE.md 1.1. System i returns N(mu_i, sigma_i^2),
// given as an explicit list or generated as the slippage / monotone configurations with
// equal, increasing or decreasing variances. Generated systems are computed on demand, so
// a million of them cost no memory.
//
// Uniforms of one replication, each turned into a normal by inversion (Phi^-1):
//   no correlation (lists; generator without `correlation`): X_i = mu_i + sigma_i Phi^-1(u1).
//   generator with correlation rho: X_i = mu_i + sigma_i (sqrt(rho) Z + sqrt(1 - rho) Z_i) with
//     Z = Phi^-1(u1) and Z_i = Phi^-1(v_i), v_i = output i of splitmix64 seeded with the bits
//     of u2, mapped into (0,1). Under CRN all systems share u1 and u2, so Z is common while the
//     Z_i are unrelated: corr(X_i, X_l) = rho. Without CRN every system has its own stream.
#include <bit>
#include <cmath>
#include <optional>
#include <vector>

#include "common/rng/splitmix64.h"
#include "common/rng/variates.h"
#include "nodes/models/builtin_models.h"
#include "nodes/models/spec_reader.h"

namespace simsel {
namespace {

struct NormalSystem {
  double mu;
  double sigma;
};

// A uniform in (0,1) from the top 53 bits of a word: never 0 nor 1, so Phi^-1 stays finite.
double open_unit_interval(std::uint64_t bits) {
  return (static_cast<double>(bits >> 11) + 0.5) * 0x1p-53;
}

// The weights of the common and the system's own normal in X_i - mu_i = sigma_i (...).
struct Correlation {
  explicit Correlation(double rho) : common(std::sqrt(rho)), own(std::sqrt(1 - rho)) {}
  double common;
  double own;
};

// Z_i of the file comment: the stream's next uniform u2 hashed with the system index, so systems
// sharing u2 (CRN) still get independent normals, and a system's Z_i is a function of its stream.
double own_standard_normal(std::uint64_t i, Mrg32k3a& rng) {
  const std::uint64_t seed = std::bit_cast<std::uint64_t>(rng.next_uniform());
  return standard_normal_quantile(open_unit_interval(splitmix64_at(seed, i)));
}

class NormalModel : public Model {
 public:
  explicit NormalModel(std::optional<Correlation> correlation = std::nullopt)
      : correlation_(correlation) {}

  nlohmann::json system_params(std::uint64_t i) const override {
    const NormalSystem s = system(i);
    return {{"mu", s.mu}, {"sigma", s.sigma}};
  }

  double simulate(std::uint64_t i, Mrg32k3a& rng) const override {
    const NormalSystem s = system(i);
    const double common = standard_normal(rng);
    if (!correlation_) return s.mu + s.sigma * common;
    const double own = own_standard_normal(i, rng);
    return s.mu + s.sigma * (correlation_->common * common + correlation_->own * own);
  }

 protected:
  virtual NormalSystem system(std::uint64_t i) const = 0;

 private:
  std::optional<Correlation> correlation_;
};

class NormalListModel final : public NormalModel {
 public:
  explicit NormalListModel(std::vector<NormalSystem> systems) : systems_(std::move(systems)) {}
  std::uint64_t system_count() const override { return systems_.size(); }

 private:
  NormalSystem system(std::uint64_t i) const override { return systems_[i]; }
  std::vector<NormalSystem> systems_;
};

// sigma_i^2 / sigma^2 = 1, 1 + i/(k-1), or 2 - i/(k-1) (0-based i).
enum class VarianceShape { kEqual, kIncreasing, kDecreasing };

// The configurations of REFERENCE.md 1.1, with 1-based i there and 0-based i here.
struct Configuration {
  std::uint64_t k;
  double delta;
  bool slippage;  // SC: mu_0 = delta, others 0; else MDM: mu_i = -i delta
  VarianceShape variances;
  double sigma;
  std::optional<double> correlation;  // rho between systems under CRN; absent: 1, one uniform
};

class NormalConfigurationModel final : public NormalModel {
 public:
  explicit NormalConfigurationModel(const Configuration& c)
      : NormalModel(c.correlation ? std::optional<Correlation>(*c.correlation) : std::nullopt),
        c_(c) {}
  std::uint64_t system_count() const override { return c_.k; }

 private:
  NormalSystem system(std::uint64_t i) const override {
    const double index = static_cast<double>(i);
    const double mu = c_.slippage ? (i == 0 ? c_.delta : 0.0) : -index * c_.delta;
    const double fraction = index / static_cast<double>(c_.k - 1);
    const double scale = c_.variances == VarianceShape::kEqual        ? 1.0
                         : c_.variances == VarianceShape::kIncreasing ? 1.0 + fraction
                                                                      : 2.0 - fraction;
    return {mu, c_.sigma * std::sqrt(scale)};
  }

  Configuration c_;
};

Result<NormalSystem> read_system(const nlohmann::json& item, const std::string& path) {
  if (Status known = check_known_keys(item, path, {"mu", "sigma"}); !known) return known.error();
  Result<double> mu = read_number(item, path, "mu");
  if (!mu) return mu.error();
  Result<double> sigma = read_number(item, path, "sigma");
  if (!sigma) return sigma.error();
  if (*sigma <= 0) return field_error(field_path(path, "sigma"), "must be > 0");
  return NormalSystem{*mu, *sigma};
}

Result<std::unique_ptr<Model>> make_list(const nlohmann::json& list) {
  std::vector<NormalSystem> systems;
  for (std::size_t i = 0; i < list.size(); ++i) {
    Result<NormalSystem> system = read_system(list[i], item_path("systems.list", i));
    if (!system) return system.error();
    systems.push_back(*system);
  }
  return std::unique_ptr<Model>(std::make_unique<NormalListModel>(std::move(systems)));
}

// Optional: absent keeps the one-uniform replication of the file comment, bit for bit.
Result<std::optional<double>> read_correlation(const nlohmann::json& spec,
                                               const std::string& path) {
  if (!spec.contains("correlation")) return std::optional<double>();
  Result<double> rho = read_number(spec, path, "correlation");
  if (!rho) return rho.error();
  if (!(*rho >= 0 && *rho <= 1))
    return field_error(field_path(path, "correlation"), "must be in [0, 1]");
  return std::optional<double>(*rho);
}

Result<std::unique_ptr<Model>> make_configuration(const nlohmann::json& spec) {
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
  return std::unique_ptr<Model>(std::make_unique<NormalConfigurationModel>(Configuration{
      static_cast<std::uint64_t>(*k), *delta, *means == "slippage", shape, *sigma, *correlation}));
}

Result<std::unique_ptr<Model>> make_normal(const nlohmann::json& systems) {
  Result<SystemsShape> shape = read_systems_shape(systems, "normal", {"configuration"});
  if (!shape) return shape.error();
  if (shape->list != nullptr) return make_list(*shape->list);
  return make_configuration(systems);
}

nlohmann::json normal_schema() {
  return {
      {"params",
       {{"mu", {{"type", "number"}, {"help", "mean of the system's output"}}},
        {"sigma", {{"type", "number"}, {"exclusiveMinimum", 0}, {"help", "standard deviation"}}}}},
      {"generators",
       {{"configuration",
         {{"help", "k systems in a classic configuration of means and variances"},
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
               "under CRN"}}}}}}}}}};
}

}  // namespace

ModelEntry normal_model_entry() {
  return {{"normal", "Normal outputs with given means and variances, for validating procedures.",
           true, normal_schema()},
          make_normal};
}

}  // namespace simsel
