#pragma once
/// @file
/// K-fold splits of n rows. Without shuffling, exactly scikit-learn's KFold(n_splits=K): folds
/// are contiguous, the first n mod K folds one row longer. With shuffling, row i belongs to the
/// fold of position π(i) under a seeded pseudo-random permutation π that any rank can evaluate
/// for any row on its own, so the assignment never depends on the rank count or the chunking.
#include <cstdint>
#include <vector>

namespace tessera {

class Folds {
 public:
  /// Throws InputError unless 2 <= k <= n.
  Folds(std::int64_t n, std::int64_t k, bool shuffle = false, std::uint64_t seed = 0);

  std::int64_t rows() const { return n_; }
  std::int64_t count() const { return k_; }
  /// The fold of row `row` (0-based).
  std::int64_t fold_of(std::int64_t row) const;
  /// Rows in fold `fold`.
  std::int64_t size(std::int64_t fold) const;
  /// First position of fold `fold` in the (permuted) order: folds are [start(f), start(f + 1)).
  std::int64_t start(std::int64_t fold) const;

  /// π(row): a bijection of [0, n) (identity without shuffling).
  std::int64_t position(std::int64_t row) const;

 private:
  std::int64_t n_, k_;
  bool shuffle_;
  std::uint64_t seed_;
  unsigned half_bits_ = 1;  ///< the Feistel network permutes [0, 4^half_bits) ⊇ [0, n)
};

}  // namespace tessera
