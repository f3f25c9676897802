#pragma once
/// @file
/// SplitMix64's finaliser: a cheap, well-mixed bijection of 64-bit integers, the basis of every
/// counter-based (position-keyed) random choice in tessera — generated data, shuffled folds.
#include <cstdint>

namespace tessera {

inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace tessera
