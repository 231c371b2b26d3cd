// splitmix64 (Steele, Lea and Flood 2014): a 64-bit counter advanced by the golden gamma and
// passed through a finalizer that makes every output bit depend on every input bit. Used to
// expand a job seed into MRG32k3a states, and by the `normal` model to derive one value per
// system from a uniform that all systems share under CRN. Pure functions, no shared state.
// Not the simulation generator: replications draw from MRG32k3a (common/rng/mrg32k3a.h).
#pragma once

#include <cstdint>

namespace simsel {

inline constexpr std::uint64_t kSplitmixGamma = 0x9e3779b97f4a7c15ULL;

// The finalizer (Stafford's variant 13 of MurmurHash3's): a bijection of 64-bit words.
constexpr std::uint64_t splitmix64_mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The next output of the generator whose state is `state`, which it advances.
constexpr std::uint64_t splitmix64_next(std::uint64_t& state) {
  state += kSplitmixGamma;
  return splitmix64_mix(state);
}

// Output n (0-based) of the generator seeded with `seed`, without stepping through the others:
// what the (n + 1)-th splitmix64_next from state `seed` returns.
constexpr std::uint64_t splitmix64_at(std::uint64_t seed, std::uint64_t n) {
  return splitmix64_mix(seed + (n + 1) * kSplitmixGamma);
}

}  // namespace simsel
