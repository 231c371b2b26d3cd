// LinearConstraint: a linear equality or inequality over named parameters, parsed from the
// text a person writes in a job spec ("r1 + r2 + r3 == 50", "2*x - y <= 3.5", "s < S").
// Normalised to  sum_k coefficients[k] * x_k + constant  (relation)  0. Pure.
// Not here: how a grid enumerates the points that satisfy constraints (grid_systems.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/util/result.h"

namespace simsel {

struct LinearConstraint {
  enum class Relation { kEqual, kAtMost, kBelow };  // == 0, <= 0, < 0
  std::vector<double> coefficients;                 // one per parameter, in `names` order
  double constant = 0;
  Relation relation = Relation::kEqual;
  std::string text;  // as written, for messages

  // The left side at the point x (one value per parameter).
  double residual(const std::vector<double>& x) const;
};

// Grammar: side ( "==" | "=" | "<=" | ">=" | "<" | ">" ) side, where a side is a sum of terms
// `[+|-] number`, `[+|-] [number [*]] name` or `[+|-] name * number`. Names must be in `names`.
// Errors say what was expected where: "expected a comparison (==, <=, >=, <, >) at 'r3 50'".
Result<LinearConstraint> parse_linear_constraint(std::string_view text,
                                                 const std::vector<std::string>& names);

}  // namespace simsel
