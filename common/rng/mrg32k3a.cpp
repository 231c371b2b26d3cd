// Mrg32k3a jumps. Each component is a linear recurrence x[n] = A x[n-1] (mod m) on three
// values, so jumping 2^e steps is one product with A^(2^e). We compute those powers once by
// repeated squaring rather than embedding published constants, and the RngStreams test
// vectors (tests/rng_test.cpp) check them. The modulus is a template argument in the
// matrix-vector product, so the compiler replaces each division by a multiplication: workers
// jump once per replication, and for a fast model that product was most of a worker's time.
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

// Each product is reduced before the sum, which then stays below 3 m < 2^34.
template <std::uint64_t M>
Vector apply(const Matrix& a, const Vector& v) {
  Vector r{};
  for (int i = 0; i < 3; ++i)
    r[i] = (a[i][0] * v[0] % M + a[i][1] * v[1] % M + a[i][2] * v[2] % M) % M;
  return r;
}

using Powers = std::array<Matrix, kPowerCount>;  // powers[e] = A^(2^e)

Powers make_powers(const Matrix& one_step, std::uint64_t modulus) {
  Powers powers{};
  powers[0] = one_step;
  for (int e = 1; e < kPowerCount; ++e) powers[e] = multiply(powers[e - 1], powers[e - 1], modulus);
  return powers;
}

// The one-step matrices map (x[n-3], x[n-2], x[n-1]) to (x[n-2], x[n-1], x[n]).
constexpr std::uint64_t kM1 = Mrg32k3a::kM1;
constexpr std::uint64_t kM2 = Mrg32k3a::kM2;
const Powers& powers1() {
  static const Powers table =
      make_powers({{{0, 1, 0}, {0, 0, 1}, {kM1 - Mrg32k3a::kA13n, Mrg32k3a::kA12, 0}}}, kM1);
  return table;
}
const Powers& powers2() {
  static const Powers table =
      make_powers({{{0, 1, 0}, {0, 0, 1}, {kM2 - Mrg32k3a::kA23n, 0, Mrg32k3a::kA21}}}, kM2);
  return table;
}

// Advances one component's three values n * 2^exponent steps: one product per set bit of n.
template <std::uint64_t M>
void jump_component(const Powers& powers, std::uint64_t* values, std::uint64_t n, int exponent) {
  Vector v{values[0], values[1], values[2]};
  for (int e = exponent; n != 0; ++e, n >>= 1) {
    if ((n & 1) != 0) v = apply<M>(powers[e], v);
  }
  for (int i = 0; i < 3; ++i) values[i] = v[i];
}

void jump(Mrg32k3a::State& state, std::uint64_t n, int exponent) {
  jump_component<kM1>(powers1(), state.data(), n, exponent);
  jump_component<kM2>(powers2(), state.data() + 3, n, exponent);
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
