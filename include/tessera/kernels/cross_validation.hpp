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
/// cross-validation when `folds` is 0.
struct FoldAssignment {
  std::int64_t rows = 0, folds = 0;
  bool shuffle = false;
  std::int64_t seed = 0;
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit("rows", self.rows);
    visit("folds", self.folds);
    visit("shuffle", self.shuffle);
    visit("seed", self.seed);
  }
};

/// A chunk's rows in no fold (no cross-validation): no model's fold equals it (a model of fold
/// -1 trains on all rows).
inline constexpr int no_fold = -2;

/// The fold of each of `chunk_rows` rows from row `row_begin`.
std::vector<int> row_folds(const FoldAssignment& folds, std::int64_t row_begin, Eigen::Index chunk_rows);

/// Per fold, the augmented Gram matrix [1 X y]ᵀ[1 X y] of the chunk's (X, y) rows in that fold
/// (one over all rows without cross-validation). With `binary_target` ("file:dataset"), y must
/// be 0 or 1.
struct FoldGram {
  static constexpr const char* name = "fold_gram";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  struct Params {
    FoldAssignment folds;
    std::int64_t row_begin = 0;
    std::optional<std::string> binary_target;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("folds", self.folds);
      visit("row_begin", self.row_begin);
      visit("binary_target", self.binary_target);
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

/// Throws InputError naming `target` (file:dataset), the row and what needs it (`needs`, e.g.
/// "logistic regression needs") unless every value of `yt` (1 x rows, from row `row_begin`) is 0 or 1.
void require_binary(const Eigen::Ref<const Eigen::MatrixXd>& yt, const std::string& target, std::int64_t row_begin,
                    const std::string& needs);

}  // namespace tessera
