#include "tessera/stats/folds.hpp"

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/core/splitmix.hpp"

namespace tessera {

Folds::Folds(std::int64_t n, std::int64_t k, bool shuffle, std::uint64_t seed) : n_(n), k_(k), shuffle_(shuffle), seed_(seed) {
  if (k < 2) throw InputError(fmt::format("[cv] folds must be at least 2, got {}", k));
  if (k > n) throw InputError(fmt::format("[cv] folds ({}) cannot exceed the number of rows ({})", k, n));
  while ((std::uint64_t{1} << (2 * half_bits_)) < static_cast<std::uint64_t>(n)) ++half_bits_;
}

std::int64_t Folds::start(std::int64_t fold) const {
  const std::int64_t base = n_ / k_, extra = n_ % k_;
  return fold * base + std::min(fold, extra);
}

std::int64_t Folds::size(std::int64_t fold) const { return n_ / k_ + (fold < n_ % k_ ? 1 : 0); }

std::int64_t Folds::fold_of(std::int64_t row) const {
  const std::int64_t pos = position(row);
  const std::int64_t base = n_ / k_, extra = n_ % k_;
  const std::int64_t long_part = extra * (base + 1);  // the first `extra` folds have base + 1 rows
  return pos < long_part ? pos / (base + 1) : extra + (pos - long_part) / base;
}

std::int64_t Folds::position(std::int64_t row) const {
  if (!shuffle_) return row;
  // A balanced Feistel network is a bijection on [0, 4^h); "cycle walking" (applying it again
  // until the value falls inside [0, n)) turns it into a bijection on [0, n).
  const std::uint64_t mask = (std::uint64_t{1} << half_bits_) - 1;
  auto x = static_cast<std::uint64_t>(row);
  do {
    std::uint64_t left = x >> half_bits_, right = x & mask;
    for (std::uint64_t round = 0; round < 4; ++round) {
      const std::uint64_t next = left ^ (splitmix64(seed_ ^ splitmix64(round ^ (right << 8))) & mask);
      left = right;
      right = next;
    }
    x = (left << half_bits_) | right;
  } while (x >= static_cast<std::uint64_t>(n_));
  return static_cast<std::int64_t>(x);
}

}  // namespace tessera
