// See linear_constraint.h. A hand-written scanner: the language is a dozen tokens, and a
// parser generator would cost more to read than this.
#include "common/models/linear_constraint.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace simsel {
namespace {

class Scanner {
 public:
  Scanner(std::string_view text, const std::vector<std::string>& names)
      : text_(text), names_(names) {}

  void skip_space() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }
  bool done() {
    skip_space();
    return at_ >= text_.size();
  }
  bool take(std::string_view token) {
    skip_space();
    if (text_.substr(at_, token.size()) != token) return false;
    at_ += token.size();
    return true;
  }
  std::optional<double> number() {
    skip_space();
    // from_chars reads "inf" and "nan": a name is never a number.
    if (at_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[at_]))) return std::nullopt;
    double value = 0;
    const char* begin = text_.data() + at_;
    const auto [end, error] = std::from_chars(begin, text_.data() + text_.size(), value);
    if (error != std::errc() || end == begin) return std::nullopt;
    at_ += static_cast<std::size_t>(end - begin);
    return value;
  }
  // The index of a parameter name at the cursor; -1 if no name is there; -2 if it is unknown.
  int name(std::string& spelled) {
    skip_space();
    std::size_t end = at_;
    while (end < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_'))
      ++end;
    if (end == at_ || std::isdigit(static_cast<unsigned char>(text_[at_]))) return -1;
    spelled = std::string(text_.substr(at_, end - at_));
    at_ = end;
    const auto it = std::find(names_.begin(), names_.end(), spelled);
    return it == names_.end() ? -2 : static_cast<int>(it - names_.begin());
  }
  std::string rest() const { return std::string(text_.substr(at_)); }

 private:
  std::string_view text_;
  const std::vector<std::string>& names_;
  std::size_t at_ = 0;
};

std::string known(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// Adds one side's terms into `into`, each multiplied by `sign` (+1 left, -1 right).
Status read_side(Scanner& in, const std::vector<std::string>& names, double sign,
                 LinearConstraint& into) {
  bool first = true;
  while (true) {
    double term_sign = sign;
    if (in.take("+")) {
    } else if (in.take("-")) {
      term_sign = -sign;
    } else if (!first) {
      return Ok{};
    }
    first = false;
    std::optional<double> factor = in.number();
    if (factor) (void)in.take("*");
    std::string spelled;
    const int index = in.name(spelled);
    if (index == -2)
      return make_error("unknown parameter '" + spelled + "' (grid parameters: " + known(names) +
                        ")");
    if (index == -1) {
      if (!factor) return make_error("expected a number or a parameter name at '" + in.rest() + "'");
      into.constant += term_sign * *factor;
      continue;
    }
    if (!factor && in.take("*")) {
      factor = in.number();
      if (!factor) return make_error("expected a number after '" + spelled + " *'");
    }
    into.coefficients[static_cast<std::size_t>(index)] += term_sign * factor.value_or(1.0);
  }
}

}  // namespace

double LinearConstraint::residual(const std::vector<double>& x) const {
  double sum = constant;
  for (std::size_t k = 0; k < coefficients.size(); ++k) sum += coefficients[k] * x[k];
  return sum;
}

Result<LinearConstraint> parse_linear_constraint(std::string_view text,
                                                 const std::vector<std::string>& names) {
  LinearConstraint constraint;
  constraint.text = std::string(text);
  constraint.coefficients.assign(names.size(), 0.0);
  Scanner in(text, names);
  if (Status left = read_side(in, names, 1.0, constraint); !left) return left.error();
  // Longest operators first, so "<=" is not read as "<" followed by "=".
  double flip = 1;  // >= and > are read as <= and < of the negated sides
  if (in.take("==") || in.take("=")) {
    constraint.relation = LinearConstraint::Relation::kEqual;
  } else if (in.take("<=")) {
    constraint.relation = LinearConstraint::Relation::kAtMost;
  } else if (in.take(">=")) {
    constraint.relation = LinearConstraint::Relation::kAtMost;
    flip = -1;
  } else if (in.take("<")) {
    constraint.relation = LinearConstraint::Relation::kBelow;
  } else if (in.take(">")) {
    constraint.relation = LinearConstraint::Relation::kBelow;
    flip = -1;
  } else {
    return make_error("expected a comparison (==, <=, >=, <, >) at '" + in.rest() + "'");
  }
  if (Status right = read_side(in, names, -1.0, constraint); !right) return right.error();
  if (!in.done()) return make_error("unexpected '" + in.rest() + "'");
  if (std::all_of(constraint.coefficients.begin(), constraint.coefficients.end(),
                  [](double c) { return c == 0; }))
    return make_error("names no parameter");
  for (double& c : constraint.coefficients) c *= flip;
  constraint.constant *= flip;
  return constraint;
}

}  // namespace simsel
