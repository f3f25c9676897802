#pragma once
/// @file
/// Contracts of the cross-validation kernels (see core/contract.hpp), and the fold assignment
/// they share.
#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

#include "tessera/core/contract.hpp"

namespace tessera {

/// Which fold each row belongs to: `folds` folds of `rows` rows (stats/folds.hpp's rule), or no
/// cross-validation when `folds` is 0. Stratified folds (stats/stratified_folds.hpp) also hold
/// the target's classes in first-appearance order, each class's fold bounds (folds + 1 values per
/// class, one after the other) and, for the chunk at hand, each class's rows before it.
struct FoldAssignment {
  std::int64_t rows = 0, folds = 0;
  bool shuffle = false;
  std::int64_t seed = 0;
  std::vector<double> strata, strata_bounds, strata_before;
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit("rows", self.rows);
    visit("folds", self.folds);
    visit("shuffle", self.shuffle);
    visit("seed", self.seed);
    visit("strata", self.strata);
    visit("strata_bounds", self.strata_bounds);
    visit("strata_before", self.strata_before);
  }
};

/// A chunk's rows in no fold (no cross-validation): no model's fold equals it (a model of fold
/// -1 trains on all rows).
inline constexpr int no_fold = -2;

/// The fold of each row of a chunk from row `row_begin` whose target (1 x rows) is `y`: stratified
/// folds need each row's class.
std::vector<int> row_folds(const FoldAssignment& folds, std::int64_t row_begin, const Eigen::MatrixXd& y);

/// Per fold, the augmented Gram matrix [1 X y]ᵀ[1 X y] of the chunk's (X, y) rows in that fold
/// (one over all rows without cross-validation). A classifier's y arrives as 0/1 already: its
/// reads map the target's two classes (ReadRows' `classes`).
struct FoldGram {
  static constexpr const char* name = "fold_gram";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  struct Params {
    FoldAssignment folds;
    std::int64_t row_begin = 0;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("folds", self.folds);
      visit("row_begin", self.row_begin);
    }
  };
  struct Result {
    std::vector<Eigen::MatrixXd> grams;  ///< one per fold, in fold order
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("grams", self.grams);
    }
  };
};


}  // namespace tessera
