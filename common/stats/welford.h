// WelfordAccumulator: count, mean and sum of squared deviations of a stream of values, updated
// one value at a time (Welford 1962) and merged pairwise (Chan, Golub and LeVeque 1979), so
// partial results from different places combine without keeping the values.
// A plain value type (24 bytes): procedures keep one per system in a flat array.
// Not thread-safe; not a numerically compensated sum (the update itself is stable).
#pragma once

#include <cmath>
#include <cstdint>

namespace simsel {

struct WelfordAccumulator {
  std::uint64_t count = 0;
  double mean = 0;
  double sum_squared_deviations = 0;  // M2 = sum of (x - mean)^2

  void add(double value) {
    ++count;
    const double deviation = value - mean;
    mean += deviation / static_cast<double>(count);
    sum_squared_deviations += deviation * (value - mean);
  }

  // Chan et al.: the combined mean moves towards the other part in proportion to its count, and
  // M2 gains the spread between the two means.
  void merge(const WelfordAccumulator& other) {
    if (other.count == 0) return;
    if (count == 0) {
      *this = other;
      return;
    }
    const double n_this = static_cast<double>(count);
    const double n_other = static_cast<double>(other.count);
    const double n_total = n_this + n_other;
    const double gap = other.mean - mean;
    mean += gap * n_other / n_total;
    sum_squared_deviations += other.sum_squared_deviations + gap * gap * n_this * n_other / n_total;
    count += other.count;
  }

  // Unbiased sample variance (divisor count - 1); 0 until there are two values.
  double variance() const {
    return count < 2 ? 0.0 : sum_squared_deviations / static_cast<double>(count - 1);
  }

  double stddev() const { return std::sqrt(variance()); }
};

}  // namespace simsel
