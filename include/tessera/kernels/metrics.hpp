#pragma once
/// @file
/// Contracts of the metrics kernels (see core/contract.hpp): what the `evaluate` job and the ROC
/// AUC scoring sum or merge over chunks. Inputs are (truth, predictions or scores), 1 x rows each.
#include <string>

#include "tessera/core/contract.hpp"
#include "tessera/stats/metrics.hpp"

namespace tessera {

/// Moments of a chunk's (y, ŷ) for MSE, MAE and R².
struct RegressionMomentsOf {
  static constexpr const char* name = "regression_moments";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  using Params = NoFields;
  using Result = RegressionMoments;
};

/// The moments of the union of two chunks' rows (Chan's update).
struct RegressionMerge {
  static constexpr const char* name = "regression_merge";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  using Params = NoFields;
  using Result = RegressionMoments;
};

/// A chunk's (y, p) counted, p checked to be in [0, 1] (y arrives as 0/1: the truth's reads map its
/// two classes); summed with Sum.
struct ClassificationCountsOf {
  static constexpr const char* name = "classification_counts";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  struct Params {
    std::int64_t row_begin = 0;
    std::string predictions;  ///< "file:dataset", for messages
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("row_begin", self.row_begin);
      visit("predictions", self.predictions);
    }
  };
  using Result = ClassificationCounts;
};

/// A score table of a chunk's (labels, scores).
struct ScoreTable {
  Eigen::MatrixXd table;  ///< 3 x m: score; positives; negatives (stats/metrics.hpp)
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit("table", self.table);
  }
};
struct ScoreTableOf {
  static constexpr const char* name = "score_table";
  static constexpr Lane lane = Lane::compute;
  static constexpr bool checkpoint = false;  ///< tables as long as the rows: cheaper to compute again than to keep
  static constexpr std::size_t inputs = 2;
  using Params = NoFields;
  using Result = ScoreTable;
};

/// Block `index` of a value that holds several score tables (one per model).
struct PickTable {
  static constexpr const char* name = "pick_table";
  static constexpr Lane lane = Lane::compute;
  static constexpr bool checkpoint = false;  ///< tables as long as the rows: cheaper to compute again than to keep
  static constexpr std::size_t inputs = 1;
  struct Params {
    std::int64_t index = 0;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("index", self.index);
    }
  };
  using Result = ScoreTable;
};

/// The table of the union of two tables' rows.
struct MergeScoreTables {
  static constexpr const char* name = "merge_score_tables";
  static constexpr Lane lane = Lane::compute;
  static constexpr bool checkpoint = false;  ///< tables as long as the rows: cheaper to compute again than to keep
  static constexpr std::size_t inputs = 2;
  using Params = NoFields;
  using Result = ScoreTable;
};

/// ROC AUC of a table, and its curve at most `roc_curve_points` points, computed where the table
/// is: rank 0 receives a few numbers, never a row.
inline constexpr Eigen::Index roc_curve_points = 1001;
struct AreaUnderCurve {
  static constexpr const char* name = "roc_auc";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::uint32_t version = 2;  ///< 2: with the curve
  static constexpr std::size_t inputs = 1;
  using Params = NoFields;
  struct Result {
    double auc = 0;
    Eigen::MatrixXd curve;  ///< 2 x k: false positive rates; true positive rates (stats/metrics.hpp)
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("auc", self.auc);
      visit("curve", self.curve);
    }
  };
};

}  // namespace tessera
