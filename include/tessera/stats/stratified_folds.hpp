#pragma once
/// @file
/// Stratified k-fold splits, as scikit-learn's StratifiedKFold: each class (numbered in the order
/// its first row appears) is spread over the folds in proportion. Its members, in row order, fill
/// fold 0 first, then fold 1, ...; how many go to each fold is StratifiedKFold's allocation
/// (the classes' rows sorted by class and dealt round-robin to the folds), so every fold holds
/// each class's share within one row. A row's fold thus depends only on its class and its rank
/// among the rows of that class, which any chunk computes from the class counts before it.
#include <cstdint>
#include <vector>

#include "tessera/stats/folds.hpp"

namespace tessera {

/// For each class (rows per class in first-appearance order), the ranks that fall in each fold:
/// members of rank r with bounds[c][f] <= r < bounds[c][f + 1] are in fold f (folds + 1 values each).
std::vector<std::vector<std::int64_t>> stratified_bounds(const std::vector<std::int64_t>& class_rows, std::int64_t folds);

/// The fold of each class's members from their rank among the class's rows. With shuffling the
/// rank is first permuted by a seeded permutation of the class's rows (the seed mixed with the
/// class's number), which any rank computes alone: the assignment never depends on the rank count.
class StratifiedFolds {
 public:
  StratifiedFolds(std::vector<std::vector<std::int64_t>> bounds, bool shuffle, std::uint64_t seed);
  std::int64_t fold_of(std::size_t klass, std::int64_t rank) const;

 private:
  std::vector<std::vector<std::int64_t>> bounds_;
  std::vector<Folds> permutations_;  ///< per class; none without shuffling
};

}  // namespace tessera
