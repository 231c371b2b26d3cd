// Mrg32k3a: L'Ecuyer's combined multiple recursive generator (1999), with the output and
// stream conventions of RngStreams (L'Ecuyer, Simard, Chen and Kelton 2002): streams are
// 2^127 steps apart, substreams 2^76 apart. A value type: one generator per thread, no sharing.
// Not here: which stream a replication uses (see common/rng/replication_streams.h) and
// non-uniform variates (see common/rng/variates.h).
#pragma once

#include <array>
#include <cstdint>

namespace simsel {

class Mrg32k3a {
 public:
  // Two components of three values each: {x1[n-3], x1[n-2], x1[n-1], x2[n-3], x2[n-2], x2[n-1]}.
  using State = std::array<std::uint64_t, 6>;

  // x1[n] = (a12 x1[n-2] - a13n x1[n-3]) mod m1;  x2[n] = (a21 x2[n-1] - a23n x2[n-3]) mod m2.
  static constexpr std::int64_t kM1 = 4294967087, kA12 = 1403580, kA13n = 810728;
  static constexpr std::int64_t kM2 = 4294944443, kA21 = 527612, kA23n = 1370589;

  // True when the first three values are < m1, the last three < m2, and neither
  // component is all zero (an all-zero component would stay zero forever).
  static bool is_valid_seed(const State& seed);

  // REQUIRES: is_valid_seed(seed)
  explicit Mrg32k3a(const State& seed);

  // The next uniform in (0,1); never 0 nor 1.
  double next_uniform() {
    const std::int64_t p1 = step_component1();
    const std::int64_t p2 = step_component2();
    const std::int64_t diff = p1 > p2 ? p1 - p2 : p1 - p2 + kM1;
    return static_cast<double>(diff) * kNormalizer;
  }

  const State& state() const { return state_; }

  // Moves the state n streams (n * 2^127 steps) or n substreams (n * 2^76 steps) ahead of
  // where it is now. A jump costs at most 64 matrix-vector products, whatever n is.
  void jump_streams(std::uint64_t n);
  void jump_substreams(std::uint64_t n);

 private:
  static constexpr double kNormalizer = 2.328306549295727688e-10;  // 1 / (m1 + 1)

  // Products stay below 2^53, so int64 arithmetic is exact.
  std::int64_t step_component1() {
    std::int64_t p =
        kA12 * static_cast<std::int64_t>(state_[1]) - kA13n * static_cast<std::int64_t>(state_[0]);
    p %= kM1;
    if (p < 0) p += kM1;
    state_[0] = state_[1];
    state_[1] = state_[2];
    state_[2] = static_cast<std::uint64_t>(p);
    return p;
  }

  std::int64_t step_component2() {
    std::int64_t p =
        kA21 * static_cast<std::int64_t>(state_[5]) - kA23n * static_cast<std::int64_t>(state_[3]);
    p %= kM2;
    if (p < 0) p += kM2;
    state_[3] = state_[4];
    state_[4] = state_[5];
    state_[5] = static_cast<std::uint64_t>(p);
    return p;
  }

  State state_;
};

}  // namespace simsel
