// Grids over any model's parameters (common/models/grid_systems.h) and the linear constraints
// that cut them (linear_constraint.h): enumeration order, counts, constraints, errors, and the
// built-in generators that are grids underneath (tp's flowline, sS's shorthand) numbering their
// systems exactly as the explicit grid does.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "common/models/grid_systems.h"
#include "common/models/linear_constraint.h"
#include "common/models/model_catalog.h"

using namespace simsel;
using nlohmann::json;

namespace {

std::unique_ptr<SystemSet> grid(const json& systems) {
  auto set = make_system_set("any_model", systems);
  if (!set) FAIL(set.error().message);
  return std::move(set.value());
}

std::string grid_error(const json& systems) {
  auto set = make_system_set("any_model", systems);
  return set ? std::string("(accepted)") : set.error().message;
}

json param(const char* name, double min, double max, double step = 1) {
  return {{"name", name}, {"min", min}, {"max", max}, {"step", step}};
}

}  // namespace

TEST_CASE("linear constraints parse to coefficients and relations", "[grid]") {
  const std::vector<std::string> names = {"x", "y", "z"};
  auto sum = parse_linear_constraint("x + y + z == 50", names);
  REQUIRE(sum.ok());
  CHECK(sum->coefficients == std::vector<double>{1, 1, 1});
  CHECK(sum->constant == -50);
  CHECK(sum->relation == LinearConstraint::Relation::kEqual);
  CHECK(sum->residual({10, 20, 20}) == 0);

  auto scaled = parse_linear_constraint("2*x - y <= 3.5 + z * 0.5", names);
  REQUIRE(scaled.ok());
  CHECK(scaled->coefficients == std::vector<double>{2, -1, -0.5});
  CHECK(scaled->constant == -3.5);
  CHECK(scaled->relation == LinearConstraint::Relation::kAtMost);

  auto greater = parse_linear_constraint("x > y", names);  // y - x < 0
  REQUIRE(greater.ok());
  CHECK(greater->relation == LinearConstraint::Relation::kBelow);
  CHECK(greater->residual({2, 1, 0}) < 0);
}

TEST_CASE("malformed: linear constraints say what was expected where", "[grid][malformed]") {
  const std::vector<std::string> names = {"x", "y"};
  CHECK_THAT(parse_linear_constraint("x + y 50", names).error().message,
             Catch::Contains("expected a comparison"));
  CHECK_THAT(parse_linear_constraint("x + w == 1", names).error().message, Catch::Contains("w"));
  CHECK_FALSE(parse_linear_constraint("x * y == 1", names).ok());
  CHECK_FALSE(parse_linear_constraint("", names).ok());
}

TEST_CASE("a grid enumerates every point, the last parameter fastest", "[grid]") {
  const auto set = grid({{"generator", "grid"},
                         {"params", {param("a", 1, 3), param("b", 0.5, 1.5, 0.5)}}});
  REQUIRE(set->size() == 9);
  CHECK(set->param_names() == std::vector<std::string>{"a", "b"});
  CHECK(set->params(0) == json{{"a", 1}, {"b", 0.5}});
  CHECK(set->params(1) == json{{"a", 1}, {"b", 1.0}});
  CHECK(set->params(3) == json{{"a", 2}, {"b", 0.5}});
  CHECK(set->params(8) == json{{"a", 3}, {"b", 1.5}});
  double row[2];
  REQUIRE(set->numbers(5, row));
  CHECK(row[0] == 2);
  CHECK(row[1] == 1.5);
}

TEST_CASE("constraints keep exactly the feasible points, in grid order", "[grid]") {
  const auto set = grid({{"generator", "grid"},
                         {"params", {param("x", 0, 10), param("y", 0, 10), param("z", 0, 10)}},
                         {"constraints", {"x + y + z == 10", "x >= 2 * z", "y < 7"}}});
  std::vector<json> expected;
  for (int x = 0; x <= 10; ++x)
    for (int y = 0; y <= 10; ++y)
      for (int z = 0; z <= 10; ++z)
        if (x + y + z == 10 && x >= 2 * z && y < 7) expected.push_back({{"x", x}, {"y", y}, {"z", z}});
  REQUIRE(set->size() == expected.size());
  for (std::uint64_t i = 0; i < set->size(); ++i) CHECK(set->params(i) == expected[i]);
}

TEST_CASE("tp's flowline generator is the explicit grid, system for system", "[grid]") {
  const int total = 20;
  auto flowline = make_system_set("tp", {{"generator", "flowline"}, {"L", total}});
  const auto explicit_grid =
      grid({{"generator", "grid"},
            {"params", {param("r1", 1, total), param("r2", 1, total), param("r3", 1, total),
                        param("b2", 1, total), param("b3", 1, total)}},
            {"constraints", {"r1 + r2 + r3 == 20", "b2 + b3 == 20"}}});
  REQUIRE(flowline.ok());
  REQUIRE(flowline.value()->size() == 3249);
  REQUIRE(explicit_grid->size() == 3249);
  for (std::uint64_t i = 0; i < 3249; ++i)
    if (flowline.value()->params(i) != explicit_grid->params(i))
      FAIL("system " << i << ": " << flowline.value()->params(i).dump() << " vs "
                     << explicit_grid->params(i).dump());
}

TEST_CASE("malformed: grid specs name the field", "[grid][malformed]") {
  CHECK(grid_error({{"generator", "grid"}}) ==
        "systems.params: must be a non-empty array of {name, min, max, step}");
  CHECK(grid_error({{"generator", "grid"}, {"params", {param("a", 3, 1)}}}) ==
        "systems.params[0].max: must be >= min");
  CHECK(grid_error({{"generator", "grid"}, {"params", {param("a", 1, 2, 0)}}}) ==
        "systems.params[0].step: must be > 0");
  CHECK(grid_error({{"generator", "grid"}, {"params", {param("a", 1, 2), param("a", 1, 2)}}}) ==
        "systems.params[1].name: 'a' twice");
  CHECK_THAT(grid_error({{"generator", "grid"},
                         {"params", {param("a", 1, 2)}},
                         {"constraints", {"a + b == 1"}}}),
             Catch::StartsWith("systems.constraints[0]"));
  CHECK_THAT(grid_error({{"generator", "grid"},
                         {"params", {param("a", 1, 2)}},
                         {"constraints", {"a > 5"}}}),
             Catch::Contains("no point of the grid satisfies the constraints"));
  CHECK_THAT(grid_error({{"generator", "grid"},
                         {"params", {param("a", 0, 1e6), param("b", 0, 1e6), param("c", 0, 1e6)}}}),
             Catch::Contains("at most 10^7"));
  CHECK(grid_error({{"generator", "grid"}, {"params", {param("a", -9e15, 9e15, 1e-300)}}}) ==
        "systems.params[0]: (max - min) / step must be at most 10^15 steps");
  CHECK(grid_error({{"generator", "grid"}, {"params", {param("a", 0, 1e15, 0.5)}}}) ==
        "systems.params[0]: (max - min) / step must be at most 10^15 steps");
  CHECK(grid_error({{"generator", "grid"}, {"params", {param("a", 0, 1, 1e300)}}}) ==
        "(accepted)");  // one point, a = 0
  CHECK(grid_error({{"generator", "grid"}, {"params", {param("a", 1, 2)}}, {"colour", 1}}) ==
        "systems.colour: unknown parameter (known: generator, params, constraints)");
}

TEST_CASE("a list gives each system its numbers, NaN where it has none", "[grid][list]") {
  auto set = make_system_set("any_model", {{"list", {{{"b", 2}, {"a", 1.5}}, {{"a", 3}}}}});
  REQUIRE(set.ok());
  CHECK(set.value()->param_names() == std::vector<std::string>{"a", "b"});
  std::vector<double> x(2);
  CHECK(set.value()->numbers(0, x));
  CHECK(x == std::vector<double>{1.5, 2});
  CHECK(set.value()->numbers(1, x));
  CHECK(x[0] == 3);
  CHECK(std::isnan(x[1]));
  auto words = make_system_set("any_model", {{"list", {{{"name", "x"}, {"a", 1}}}}});
  REQUIRE(words.ok());
  CHECK_FALSE(words.value()->numbers(0, x));  // a string parameter: not all numbers
}

TEST_CASE("a list of many distinct keys costs memory in proportion to the spec", "[grid][list]") {
  // 20,000 systems with a key each: a dense systems x names table would be 3.2 GB.
  json list = json::array();
  for (int i = 0; i < 20'000; ++i) list.push_back({{"p" + std::to_string(i), i}});
  auto set = make_system_set("any_model", {{"list", list}});
  REQUIRE(set.ok());
  CHECK(set.value()->size() == 20'000);
  CHECK(set.value()->param_names().size() == 20'000);
  CHECK(set.value()->params(7) == json{{"p7", 7}});
}
