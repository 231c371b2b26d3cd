// Mrg32k3a jumps. Each component is a linear recurrence x[n] = A x[n-1] (mod m) on three
// values, so jumping 2^e steps is one product with A^(2^e). We compute those powers once by
// repeated squaring rather than embedding published constants, and the RngStreams test
// vectors (tests/rng_test.cpp) check them.
#include "common/rng/mrg32k3a.h"

#include <cassert>

namespace simsel {
namespace {

using Matrix = std::array<std::array<std::uint64_t, 3>, 3>;
using Vector = std::array<std::uint64_t, 3>;

// Powers A^(2^e) for e = 0..190: enough for 2^64 substreams (2^76 steps each) and
// 2^64 streams (2^127 steps each).
constexpr int kPowerCount = 191;
constexpr int kSubstreamExponent = 76;
constexpr int kStreamExponent = 127;

// Entries are < m < 2^32, so each product fits in 64 bits before reduction.
std::uint64_t mul_mod(std::uint64_t a, std::uint64_t b, std::uint64_t m) {
  return a * b % m;
}

Matrix multiply(const Matrix& a, const Matrix& b, std::uint64_t m) {
  Matrix c{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) c[i][j] = (c[i][j] + mul_mod(a[i][k], b[k][j], m)) % m;
  return c;
}

Vector apply(const Matrix& a, const Vector& v, std::uint64_t m) {
  Vector r{};
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 3; ++k) r[i] = (r[i] + mul_mod(a[i][k], v[k], m)) % m;
  return r;
}

struct Component {
  std::uint64_t modulus;
  std::array<Matrix, kPowerCount> powers;  // powers[e] = A^(2^e)
};

Component make_component(const Matrix& one_step, std::uint64_t modulus) {
  Component c{modulus, {}};
  c.powers[0] = one_step;
  for (int e = 1; e < kPowerCount; ++e)
    c.powers[e] = multiply(c.powers[e - 1], c.powers[e - 1], modulus);
  return c;
}

// The one-step matrices map (x[n-3], x[n-2], x[n-1]) to (x[n-2], x[n-1], x[n]).
const std::array<Component, 2>& components() {
  static const std::array<Component, 2> table = [] {
    using G = Mrg32k3a;
    const Matrix a1{{{0, 1, 0}, {0, 0, 1}, {G::kM1 - G::kA13n, G::kA12, 0}}};
    const Matrix a2{{{0, 1, 0}, {0, 0, 1}, {G::kM2 - G::kA23n, 0, G::kA21}}};
    return std::array<Component, 2>{make_component(a1, G::kM1), make_component(a2, G::kM2)};
  }();
  return table;
}

// Advances the state n * 2^exponent steps: one product per set bit of n.
void jump(Mrg32k3a::State& state, std::uint64_t n, int exponent) {
  for (int c = 0; c < 2; ++c) {
    const Component& component = components()[c];
    Vector v{state[3 * c], state[3 * c + 1], state[3 * c + 2]};
    std::uint64_t remaining = n;
    for (int e = exponent; remaining != 0; ++e, remaining >>= 1) {
      if ((remaining & 1) != 0) v = apply(component.powers[e], v, component.modulus);
    }
    for (int i = 0; i < 3; ++i) state[3 * c + i] = v[i];
  }
}

}  // namespace

bool Mrg32k3a::is_valid_seed(const State& seed) {
  const auto component_ok = [&](int first, std::int64_t m) {
    bool any_nonzero = false;
    for (int i = first; i < first + 3; ++i) {
      if (seed[i] >= static_cast<std::uint64_t>(m)) return false;
      any_nonzero = any_nonzero || seed[i] != 0;
    }
    return any_nonzero;
  };
  return component_ok(0, kM1) && component_ok(3, kM2);
}

Mrg32k3a::Mrg32k3a(const State& seed) : state_(seed) {
  assert(is_valid_seed(seed));
}

void Mrg32k3a::jump_streams(std::uint64_t n) {
  jump(state_, n, kStreamExponent);
}

void Mrg32k3a::jump_substreams(std::uint64_t n) {
  jump(state_, n, kSubstreamExponent);
}

}  // namespace simsel
