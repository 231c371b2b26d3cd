// Tests for nodes/models: enumeration of generated systems, output means against the known
// answers of REFERENCE.md 1, and every validation message of the model factories.
#include <catch2/catch.hpp>
#include <cmath>
#include <set>
#include <string>
#include <tuple>

#include "common/rng/replication_streams.h"
#include "common/rng/variates.h"
#include "common/models/model_catalog.h"
#include "nodes/models/model.h"

namespace simsel {
namespace {

using nlohmann::json;

std::unique_ptr<Model> build(std::string_view name, const json& systems) {
  Result<std::unique_ptr<Model>> model = make_model(name, systems);
  INFO((model ? std::string("ok") : model.error().message));
  REQUIRE(model.ok());
  return std::move(model).value();
}

// The validation message, or "ok" when the spec is accepted.
std::string error_of(std::string_view name, const json& systems) {
  Result<std::unique_ptr<Model>> model = make_model(name, systems);
  return model ? "ok" : model.error().message;
}

struct Moments {
  double mean;
  double stddev;
};

// Replications 0..n-1 of one system, on independent streams.
Moments replicate(const Model& model, std::uint64_t system, int n, std::uint64_t seed = 7) {
  ReplicationCursor cursor = ReplicationStreams(seed, false).cursor(system, 0);
  double sum = 0, sum_sq = 0;
  for (int r = 0; r < n; ++r) {
    Mrg32k3a rng = cursor.next();
    const double y = model.simulate(system, rng);
    sum += y;
    sum_sq += y * y;
  }
  const double mean = sum / n;
  return {mean, std::sqrt(sum_sq / n - mean * mean)};
}

using FlowLineTuple = std::tuple<int, int, int, int, int>;

FlowLineTuple flowline_of(const json& p) {
  return {p["r1"].get<int>(), p["r2"].get<int>(), p["r3"].get<int>(), p["b2"].get<int>(),
          p["b3"].get<int>()};
}

}  // namespace

TEST_CASE("tp flowline generator enumerates every feasible system once", "[models]") {
  const auto [total, count] =
      GENERATE(table<int, std::uint64_t>({{20, 3249}, {50, 57624}, {128, 1016127}}));
  const auto model = build("tp", {{"generator", "flowline"}, {"L", total}});
  REQUIRE(model->system_count() == count);

  std::set<FlowLineTuple> seen;
  for (std::uint64_t i = 0; i < count; ++i) {
    const auto [r1, r2, r3, b2, b3] = flowline_of(model->system_params(i));
    const bool feasible = r1 >= 1 && r2 >= 1 && r3 >= 1 && b2 >= 1 && b3 >= 1 &&
                          r1 + r2 + r3 == total && b2 + b3 == total;
    if (!feasible) FAIL("system " << i << " is infeasible: " << model->system_params(i).dump());
    seen.insert({r1, r2, r3, b2, b3});
  }
  CHECK(seen.size() == count);
  CHECK(flowline_of(model->system_params(0)) == FlowLineTuple{1, 1, total - 2, 1, total - 1});
  CHECK(flowline_of(model->system_params(count - 1)) ==
        FlowLineTuple{total - 2, 1, 1, total - 1, 1});
}

TEST_CASE("tp means match the known E(50 over T)", "[models]") {
  SECTION("best L=20 system (6,7,7,12,8): about 5.861, sd about 0.72") {
    const auto model =
        build("tp", {{"list", {{{"r1", 6}, {"r2", 7}, {"r3", 7}, {"b2", 12}, {"b3", 8}}}}});
    const Moments m = replicate(*model, 0, 4000);
    CHECK(m.mean == Approx(5.861).margin(5 * 0.72 / std::sqrt(4000.0)));
    CHECK(m.stddev == Approx(0.72).margin(0.05));
  }
  SECTION("worst L=20 system (1,1,18,1,19): steady state 0.6667, E[50/T] slightly above") {
    const auto model =
        build("tp", {{"list", {{{"r1", 1}, {"r2", 1}, {"r3", 18}, {"b2", 1}, {"b3", 19}}}}});
    const Moments m = replicate(*model, 0, 2000);
    CHECK(m.mean == Approx(0.6667).margin(0.015));
  }
  SECTION("the generator's system has the list's output on the same stream") {
    const auto generated = build("tp", {{"generator", "flowline"}, {"L", 20}});
    const auto listed = build("tp", {{"list", {generated->system_params(1234)}}});
    Mrg32k3a a = ReplicationStreams(3, false).for_replication(0, 9), b = a;
    CHECK(generated->simulate(1234, a) == listed->simulate(0, b));
  }
}

TEST_CASE("normal model", "[models]") {
  SECTION("a listed system has its mean and standard deviation") {
    const auto model =
        build("normal", {{"list", {{{"mu", 0}, {"sigma", 1}}, {{"mu", 3}, {"sigma", 2}}}}});
    REQUIRE(model->system_count() == 2);
    const Moments m = replicate(*model, 1, 100000);
    CHECK(m.mean == Approx(3).margin(0.03));
    CHECK(m.stddev == Approx(2).margin(0.03));
  }
  SECTION("slippage configuration with increasing variances") {
    const auto model = build("normal", {{"generator", "configuration"},
                                        {"k", 5},
                                        {"means", "slippage"},
                                        {"delta", 0.5},
                                        {"variances", "increasing"},
                                        {"sigma", 2}});
    REQUIRE(model->system_count() == 5);
    CHECK(model->system_params(0) == json{{"mu", 0.5}, {"sigma", 2.0}});
    CHECK(model->system_params(2)["mu"] == 0.0);
    CHECK(model->system_params(4)["sigma"].get<double>() == Approx(2 * std::sqrt(2.0)));
    CHECK(model->system_params(2)["sigma"].get<double>() == Approx(2 * std::sqrt(1.5)));
  }
  SECTION("monotone configuration with decreasing variances") {
    const auto model = build("normal", {{"generator", "configuration"},
                                        {"k", 3},
                                        {"means", "monotone"},
                                        {"delta", 0.25},
                                        {"variances", "decreasing"}});
    CHECK(model->system_params(2)["mu"].get<double>() == Approx(-0.5));
    CHECK(model->system_params(0)["sigma"].get<double>() == Approx(std::sqrt(2.0)));
    CHECK(model->system_params(2)["sigma"].get<double>() == Approx(1.0));
  }
  SECTION("a million generated systems, computed on demand") {
    const auto model = build("normal", {{"generator", "configuration"},
                                        {"k", 1000000},
                                        {"means", "monotone"},
                                        {"delta", 0.1},
                                        {"variances", "equal"}});
    CHECK(model->system_count() == 1000000);
    CHECK(model->system_params(999999)["mu"].get<double>() == Approx(-99999.9));
    const Moments m = replicate(*model, 999999, 20000);
    CHECK(m.mean == Approx(-99999.9).margin(0.05));
    CHECK(m.stddev == Approx(1).margin(0.05));
  }
}

namespace {

json configuration(std::uint64_t k, const char* variances) {
  return {{"generator", "configuration"}, {"k", k},    {"means", "monotone"}, {"delta", 0.1},
          {"variances", variances},       {"sigma", 2}};
}

json correlated(std::uint64_t k, const char* variances, double rho) {
  json spec = configuration(k, variances);
  spec["correlation"] = rho;
  return spec;
}

struct PairMoments {
  double variance_a, variance_b, correlation;
};

// Replications 0..n-1 of systems a and b, on common or independent streams.
PairMoments replicate_pair(const Model& model, std::uint64_t a, std::uint64_t b, bool crn, int n) {
  const ReplicationStreams streams(13, crn);
  double sum_a = 0, sum_b = 0, sum_aa = 0, sum_bb = 0, sum_ab = 0;
  for (int r = 0; r < n; ++r) {
    Mrg32k3a rng_a = streams.for_replication(a, r), rng_b = streams.for_replication(b, r);
    const double x = model.simulate(a, rng_a), y = model.simulate(b, rng_b);
    sum_a += x;
    sum_b += y;
    sum_aa += x * x;
    sum_bb += y * y;
    sum_ab += x * y;
  }
  const double mean_a = sum_a / n, mean_b = sum_b / n;
  const double var_a = sum_aa / n - mean_a * mean_a, var_b = sum_bb / n - mean_b * mean_b;
  return {var_a, var_b, (sum_ab / n - mean_a * mean_b) / std::sqrt(var_a * var_b)};
}

double sigma_of(const Model& model, std::uint64_t i) {
  return model.system_params(i)["sigma"].get<double>();
}

}  // namespace

TEST_CASE("normal model with a correlation between systems", "[models]") {
  constexpr int n = 20000;
  // Standard errors at n = 20000: a sample correlation about (1 - rho^2) / sqrt(n) (0.0053 at
  // rho = 0.5, 0.0071 at 0); a sample variance about sigma^2 sqrt(2 / n) (1% of sigma^2).
  SECTION("rho = 0.5 under CRN: correlation 0.5, variances sigma_i^2") {
    const auto model = build("normal", correlated(10, "increasing", 0.5));
    for (const auto& [a, b] : {std::pair<std::uint64_t, std::uint64_t>{0, 1}, {3, 9}}) {
      const PairMoments m = replicate_pair(*model, a, b, true, n);
      INFO("systems " << a << " and " << b);
      CHECK(m.correlation == Approx(0.5).margin(4 * 0.0053));
      CHECK(m.variance_a == Approx(std::pow(sigma_of(*model, a), 2)).epsilon(0.04));
      CHECK(m.variance_b == Approx(std::pow(sigma_of(*model, b), 2)).epsilon(0.04));
    }
  }
  SECTION("rho = 0 under CRN: uncorrelated, although every system reads the same uniforms") {
    const auto model = build("normal", correlated(1000, "equal", 0.0));
    for (const auto& [a, b] : {std::pair<std::uint64_t, std::uint64_t>{0, 1}, {1, 2}, {5, 999}}) {
      INFO("systems " << a << " and " << b);
      CHECK(replicate_pair(*model, a, b, true, n).correlation == Approx(0).margin(4 * 0.0071));
    }
  }
  SECTION("rho = 0.5 without CRN: uncorrelated (each system has its own stream)") {
    const auto model = build("normal", correlated(10, "equal", 0.5));
    CHECK(replicate_pair(*model, 0, 1, false, n).correlation == Approx(0).margin(4 * 0.0071));
  }
}

TEST_CASE("normal model without a correlation keeps its one-uniform outputs", "[models]") {
  const auto model = build("normal", configuration(10, "increasing"));
  const auto fully_correlated = build("normal", correlated(10, "increasing", 1.0));
  const ReplicationStreams streams(21, true);
  for (std::uint64_t i = 0; i < 10; ++i) {
    for (std::uint64_t r = 0; r < 50; ++r) {
      Mrg32k3a rng = streams.for_replication(i, r), same = rng, again = rng;
      const double mu = model->system_params(i)["mu"].get<double>();
      const double expected = mu + sigma_of(*model, i) * standard_normal(same);
      INFO("system " << i << " replication " << r);
      REQUIRE(model->simulate(i, rng) == expected);
      // rho = 1 draws a second uniform but gives the same output: sqrt(0) Z_i adds zero.
      REQUIRE(fully_correlated->simulate(i, again) == expected);
    }
  }
}

TEST_CASE("sS model", "[models]") {
  const auto model = build("sS", {{"list", {{{"s", 20}, {"S", 53}}, {{"s", 20}, {"S", 40}}}}});
  SECTION("(20,53) costs about 111.1 per period, sd about 4.1") {
    const Moments m = replicate(*model, 0, 4000);
    CHECK(m.mean == Approx(111.127).margin(5 * 4.1 / std::sqrt(4000.0)));
    CHECK(m.stddev == Approx(4.1).margin(0.3));
  }
  SECTION("(20,53) is cheaper than (20,40) under common random numbers") {
    const ReplicationStreams crn(11, true);
    double difference = 0;
    for (std::uint64_t r = 0; r < 500; ++r) {
      Mrg32k3a a = crn.for_replication(0, r), b = crn.for_replication(1, r);
      difference += model->simulate(1, b) - model->simulate(0, a);
    }
    CHECK(difference / 500 == Approx(117.909 - 111.127).margin(0.8));
  }
  SECTION("the grid enumerates pairs with s < S, s then S ascending") {
    const auto grid = build("sS", {{"generator", "grid"},
                                   {"s_min", 0},
                                   {"s_max", 5},
                                   {"S_min", 3},
                                   {"S_max", 7},
                                   {"step", 2}});
    std::vector<std::pair<int, int>> pairs;
    for (std::uint64_t i = 0; i < grid->system_count(); ++i) {
      const json p = grid->system_params(i);
      pairs.emplace_back(p["s"].get<int>(), p["S"].get<int>());
    }
    CHECK(pairs == std::vector<std::pair<int, int>>{
                       {0, 3}, {0, 5}, {0, 7}, {2, 3}, {2, 5}, {2, 7}, {4, 5}, {4, 7}});
  }
}

TEST_CASE("simulate is a function of the stream", "[models]") {
  const auto model = build("tp", {{"generator", "flowline"}, {"L", 20}});
  const ReplicationStreams streams(5, false);
  Mrg32k3a a = streams.for_replication(17, 3), b = streams.for_replication(17, 3);
  CHECK(model->simulate(17, a) == model->simulate(17, b));
  Mrg32k3a c = streams.for_replication(17, 4);
  Mrg32k3a d = streams.for_replication(17, 3);
  CHECK(model->simulate(17, c) != model->simulate(17, d));
}

TEST_CASE("model catalog lists every model with a schema", "[models]") {
  const std::vector<ModelDescriptor>& catalog = builtin_model_descriptors();
  REQUIRE(catalog.size() == 3);
  CHECK(catalog[0].name == "normal");
  CHECK(catalog[1].name == "tp");
  CHECK(catalog[2].name == "sS");
  CHECK(catalog[0].larger_is_better);
  CHECK(catalog[1].larger_is_better);
  CHECK_FALSE(catalog[2].larger_is_better);
  CHECK(catalog[1].schema["generators"]["flowline"]["params"].contains("L"));
  CHECK(catalog[2].schema["params"].contains("S"));
  CHECK(catalog[0].schema["generators"]["configuration"]["params"]["variances"]["enum"].size() ==
        3);
}

TEST_CASE("validation errors shared by every model", "[models]") {
  const json one_tp{{{"r1", 1}, {"r2", 1}, {"r3", 1}, {"b2", 1}, {"b3", 1}}};
  CHECK(error_of("queue", {{"list", one_tp}}) ==
        "model: unknown model 'queue' (known: normal, tp, sS)");
  CHECK(error_of("tp", json::array()) ==
        "systems: must be an object with either \"list\" or \"generator\"");
  CHECK(error_of("tp", json::object()) ==
        "systems: must be an object with either \"list\" or \"generator\"");
  CHECK(error_of("tp", {{"list", one_tp}, {"generator", "flowline"}}) ==
        "systems: must be an object with either \"list\" or \"generator\"");
  CHECK(error_of("tp", {{"list", json::array()}}) == "systems.list: must be a non-empty array");
  CHECK(error_of("tp", {{"list", {one_tp[0], 5}}}) == "systems.list[1]: must be an object");
  CHECK(error_of("tp", {{"list", one_tp}, {"L", 20}}) ==
        "systems.L: unknown parameter (known: list)");
  CHECK(error_of("tp", {{"generator", "x"}}) ==
        "systems.generator: unknown generator 'x' for model tp (known: grid, flowline)");
  CHECK(error_of("tp", {{"generator", 5}}) ==
        "systems.generator: unknown generator '5' for model tp (known: grid, flowline)");
}

TEST_CASE("validation errors of the normal model", "[models]") {
  const auto list_error = [](const json& item) {
    return error_of("normal", {{"list", {{{"mu", 0}, {"sigma", 1}}, item}}});
  };
  CHECK(list_error({{"mu", 0}, {"sigma", 0}}) == "systems.list[1].sigma: must be > 0");
  CHECK(list_error({{"sigma", 1}}) == "systems.list[1].mu: required");
  CHECK(list_error({{"mu", "big"}, {"sigma", 1}}) == "systems.list[1].mu: must be a number");
  CHECK(list_error({{"mu", 0}, {"sigma", 1}, {"nu", 3}}) ==
        "systems.list[1].nu: unknown parameter (known: mu, sigma)");

  const json good{{"generator", "configuration"},
                  {"k", 10},
                  {"means", "slippage"},
                  {"delta", 0.5},
                  {"variances", "equal"}};
  const auto generator_error = [&](const char* key, const json& value) {
    json spec = good;
    spec[key] = value;
    return error_of("normal", spec);
  };
  REQUIRE(error_of("normal", good) == "ok");
  CHECK(generator_error("generator", "lattice") ==
        "systems.generator: unknown generator 'lattice' for model normal (known: grid, configuration)");
  // Every model takes the general grid, so its keys are checked as a grid's.
  CHECK(generator_error("generator", "grid") ==
        "systems.delta: unknown parameter (known: generator, params, constraints)");
  CHECK(generator_error("k", 1) == "systems.k: must be an integer >= 2");
  CHECK(generator_error("k", 2.5) == "systems.k: must be an integer >= 2");
  CHECK(generator_error("means", "flat") == "systems.means: must be one of slippage, monotone");
  CHECK(generator_error("delta", 0) == "systems.delta: must be > 0");
  CHECK(generator_error("variances", 1) ==
        "systems.variances: must be one of equal, increasing, decreasing");
  CHECK(generator_error("sigma", -1) == "systems.sigma: must be > 0");
  CHECK(generator_error("seed", 1) ==
        "systems.seed: unknown parameter (known: generator, k, means, delta, variances, sigma, "
        "correlation)");
  CHECK(generator_error("correlation", -0.1) == "systems.correlation: must be in [0, 1]");
  CHECK(generator_error("correlation", 1.5) == "systems.correlation: must be in [0, 1]");
  CHECK(generator_error("correlation", "high") == "systems.correlation: must be a number");
  CHECK(generator_error("correlation", 0) == "ok");
  CHECK(generator_error("correlation", 1) == "ok");
  CHECK(error_of("normal", {{"list", {{{"mu", 0}, {"sigma", 1}}}}, {"correlation", 0.5}}) ==
        "systems.correlation: unknown parameter (known: list)");
  json missing = good;
  missing.erase("delta");
  CHECK(error_of("normal", missing) == "systems.delta: required");
}

TEST_CASE("validation errors of the tp model", "[models]") {
  CHECK(error_of("tp", {{"generator", "flowline"}, {"L", 2}}) ==
        "systems.L: must be an integer >= 3");
  CHECK(error_of("tp", {{"generator", "flowline"}, {"L", "20"}}) ==
        "systems.L: must be an integer >= 3");
  CHECK(error_of("tp", {{"generator", "flowline"}, {"L", 5000}}) == "systems.L: must be <= 2048");
  CHECK(error_of("tp", {{"generator", "flowline"}}) == "systems.L: required");
  CHECK(error_of("tp", {{"generator", "flowline"}, {"L", 20}, {"k", 1}}) ==
        "systems.k: unknown parameter (known: generator, L)");
  CHECK(error_of("tp", {{"generator", "flowline"}, {"L", 20.0}}) == "ok");

  const auto list_error = [](const json& item) { return error_of("tp", {{"list", {item}}}); };
  CHECK(list_error({{"r1", 0}, {"r2", 1}, {"r3", 1}, {"b2", 1}, {"b3", 1}}) ==
        "systems.list[0].r1: must be an integer >= 1");
  CHECK(list_error({{"r1", 1}, {"r2", 1}, {"r3", 1}, {"b2", 1}}) == "systems.list[0].b3: required");
  CHECK(list_error({{"r1", 1}, {"r2", 1}, {"r3", 1}, {"b2", 1}, {"b3", 1}, {"b4", 1}}) ==
        "systems.list[0].b4: unknown parameter (known: b2, b3, r1, r2, r3)");
}

TEST_CASE("validation errors of the sS model", "[models]") {
  const auto list_error = [](const json& item) { return error_of("sS", {{"list", {item}}}); };
  CHECK(list_error({{"s", 40}, {"S", 40}}) == "systems.list[0].S: must be > s");
  CHECK(list_error({{"s", -1}, {"S", 40}}) == "systems.list[0].s: must be an integer >= 0");
  CHECK(list_error({{"s", 1}, {"S", 40}, {"Q", 3}}) ==
        "systems.list[0].Q: unknown parameter (known: S, s)");

  const json good{{"generator", "grid"}, {"s_min", 10}, {"s_max", 30},
                  {"S_min", 20},         {"S_max", 60}, {"step", 5}};
  const auto grid_error = [&](const char* key, const json& value) {
    json spec = good;
    spec[key] = value;
    return error_of("sS", spec);
  };
  REQUIRE(error_of("sS", good) == "ok");
  CHECK(grid_error("step", 0) == "systems.step: must be an integer >= 1");
  CHECK(grid_error("s_max", 5) == "systems.s_max: must be >= s_min");
  CHECK(grid_error("S_max", 15) == "systems.S_max: must be >= S_min");
  CHECK(grid_error("S_max", 2000000) == "systems.S_max: must be <= 1000000");
  CHECK(grid_error("s_min", 100) == "systems.s_max: must be >= s_min");
  CHECK(grid_error("seed", 1) ==
        "systems.seed: unknown parameter (known: generator, s_min, s_max, S_min, S_max, step)");
  CHECK(grid_error("generator", "list") ==
        "systems.generator: unknown generator 'list' for model sS (known: grid)");
  json empty = good;
  empty["s_min"] = 70;
  empty["s_max"] = 80;
  CHECK(error_of("sS", empty) == "systems: the grid holds no pair with s < S");
}

}  // namespace simsel
