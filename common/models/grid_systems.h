// GridSystems: every point of a grid of parameter ranges that satisfies linear constraints,
// numbered lexicographically in the order the parameters are declared (the first varies
// slowest). The tp flow line of L is the grid r1+r2+r3 = L, b2+b3 = L over 1..L-2 and 1..L-1.
// Never a list: a parameter fixed by an equality is computed from the ones before it, and the
// points are stored as rows over the last free parameter (a row is an interval of its steps,
// because the constraints are linear), so 10^6 systems cost a few hundred kilobytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/models/system_set.h"
#include "common/util/result.h"

namespace simsel {

struct GridParam {
  std::string name;
  double min = 0;
  double max = 0;
  double step = 1;
  bool integer = true;  // min, max and step are integers; values are reported as integers
};

struct GridSpec {
  std::vector<GridParam> params;
  std::vector<std::string> constraints;  // as written: "r1 + r2 + r3 == 50"
};

// Reads the job spec form: {"generator": "grid", "params": [{"name": "r1", "min": 1, "max": 48,
// "step": 1, "type": "integer"}, ...], "constraints": ["r1 + r2 + r3 == 50", ...]}; `step`
// defaults to 1, `type` to integer when min, max and step are. Errors name the field:
// "systems.params[2].max: must be >= min".
Result<GridSpec> read_grid_spec(const nlohmann::json& systems);

// Enumerates the grid. Errors: a constraint that does not parse, a grid without a point, or
// one too large to enumerate (more than 10^7 combinations of the parameters before the last
// free one).
Result<std::unique_ptr<SystemSet>> make_grid_systems(const GridSpec& spec);

}  // namespace simsel
