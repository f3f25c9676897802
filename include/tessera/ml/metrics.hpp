#pragma once
/// @file
/// The metrics of scikit-learn's sklearn.metrics, from sums the workers add up over chunks (and,
/// for ROC AUC, the decision values themselves: a ranking does not add up).
#include <Eigen/Core>
#include <string>

namespace tessera {

/// A binary classifier's test counts (positive class 1; predicted 1 when p > ½).
struct ClassificationCounts {
  double rows = 0, tp = 0, fp = 0, fn = 0, tn = 0;
  double log_loss_sum = 0;  ///< Σ −log p(truth), p clipped to [ε, 1 − ε] as scikit-learn does

  double accuracy() const { return (tp + tn) / rows; }
  /// 0 when nothing is predicted positive (scikit-learn's zero_division default, without its warning).
  double precision() const { return tp + fp > 0 ? tp / (tp + fp) : 0; }
  double recall() const { return tp + fn > 0 ? tp / (tp + fn) : 0; }
  double f1() const { return 2 * tp + fp + fn > 0 ? 2 * tp / (2 * tp + fp + fn) : 0; }
  double log_loss() const { return log_loss_sum / rows; }
};

/// Area under the ROC curve of `scores` (any increasing function of p) for `labels` in {0, 1}:
/// the Mann–Whitney statistic, tied scores counted half — what roc_auc_score computes. NaN when
/// only one class is present.
double roc_auc(const Eigen::Ref<const Eigen::VectorXd>& labels, const Eigen::Ref<const Eigen::VectorXd>& scores);

/// The scorer `scoring` (accuracy, neg_log_loss, f1; roc_auc is given as `auc`), larger is better.
double classification_score(const std::string& scoring, const ClassificationCounts& counts, double auc);

/// Sums for regression metrics, merged over chunks with Chan's update so R² keeps its digits.
struct RegressionMoments {
  double rows = 0, sse = 0, sae = 0;  ///< Σ (y − ŷ)², Σ |y − ŷ|
  double mean_y = 0, m2_y = 0;        ///< mean of y, Σ (y − ȳ)²

  static RegressionMoments of(const Eigen::Ref<const Eigen::VectorXd>& truth, const Eigen::Ref<const Eigen::VectorXd>& predicted);
  void merge(const RegressionMoments& other);
  double mse() const { return sse / rows; }
  double mae() const { return sae / rows; }
  double r2() const { return 1 - sse / m2_y; }
};


/// All the classification metrics of (labels, probabilities of class 1), computed on rank 0:
/// what scikit-learn's classification_report, log_loss, roc_auc_score and confusion_matrix give.
struct ClassificationReport {
  ClassificationCounts counts;
  double roc_auc = 0;
};
ClassificationReport classification_report(const Eigen::Ref<const Eigen::VectorXd>& labels,
                                           const Eigen::Ref<const Eigen::VectorXd>& probabilities);

}  // namespace tessera
