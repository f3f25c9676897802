#pragma once
/// @file
/// Contracts of the logistic-regression kernels (see core/contract.hpp): one pass over a chunk
/// serves every model being fitted. Models are columns: coefficients θ = (b, w), intercept first,
/// one column of `coef` (p + 1 rows, column-major) per model; a model trains on the rows of
/// other folds than `model_fold` and is tested on its own (-1: trains on all rows).
#include <vector>

#include "tessera/core/contract.hpp"
#include "tessera/kernels/cross_validation.hpp"
#include "tessera/stats/metrics.hpp"

namespace tessera {

/// The models a pass evaluates.
struct LogisticModels {
  FoldAssignment folds;
  std::int64_t row_begin = 0;
  std::vector<double> coef;        ///< (p + 1) x M
  std::vector<double> model_fold;  ///< M
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit("folds", self.folds);
    visit("row_begin", self.row_begin);
    visit("coef", self.coef);
    visit("model_fold", self.model_fold);
  }
};

/// Per model on a chunk (X, y): the training log-loss, its gradient, its Hessian on every
/// `hessian_stride`-th row (zero for models whose `hessian_models` entry is 0: their solver
/// reuses an earlier one), the test rows' counts, and how many training rows there were.
struct LogisticPass {
  static constexpr const char* name = "logistic_pass";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  struct Params {
    LogisticModels models;
    std::int64_t hessian_stride = 1;
    std::vector<double> hessian_models;  ///< M: 1 to measure the model's Hessian, 0 to skip it
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("models", self.models);
      visit("hessian_stride", self.hessian_stride);
      visit("hessian_models", self.hessian_models);
    }
  };
  struct Result {
    Eigen::MatrixXd loss;      ///< 1 x M
    Eigen::MatrixXd grad;      ///< (p + 1) x M
    Eigen::MatrixXd hessians;  ///< (p + 1) x (p + 1)M, side by side
    Eigen::MatrixXd test;      ///< one column of ClassificationCounts per model (its fields' order)
    Eigen::MatrixXd rows;      ///< 2 x M: training rows, training rows in the Hessian sample
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("loss", self.loss);
      visit("grad", self.grad);
      visit("hessians", self.hessians);
      visit("test", self.test);
      visit("rows", self.rows);
    }
    /// Model j's test counts.
    ClassificationCounts test_counts(Eigen::Index j) const { return from_column<ClassificationCounts>(test, j); }
  };
};

/// Per model on a chunk (X, y): the score table (stats/metrics.hpp) of its test rows' decision
/// values, for ROC AUC.
struct LogisticScores {
  static constexpr const char* name = "logistic_scores";
  static constexpr Lane lane = Lane::compute;
  static constexpr bool checkpoint = false;  ///< tables as long as the chunk: cheaper to compute again than to keep
  static constexpr std::size_t inputs = 2;
  using Params = LogisticModels;
  struct Result {
    std::vector<Eigen::MatrixXd> tables;  ///< one per model
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("tables", self.tables);
    }
  };
};

/// From a chunk's decision values z = Xβ + b (1 x rows, PredictRows' result): the probability of
/// the positive class σ(z), or the label scikit-learn's predict gives (1 where z > 0, else 0) —
/// given back as the user's `classes` {negative, positive} when the job names them.
struct ClassifyRows {
  static constexpr const char* name = "classify_rows";
  static constexpr Lane lane = Lane::compute;
  static constexpr bool checkpoint = false;  ///< one value per row: cheaper to compute again than to keep
  static constexpr std::size_t inputs = 1;
  struct Params {
    bool probability = false;
    std::optional<std::vector<double>> classes;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("probability", self.probability);
      visit("classes", self.classes);
    }
  };
  struct Result {
    Eigen::MatrixXd rows;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("rows", self.rows);
    }
  };
};

}  // namespace tessera
