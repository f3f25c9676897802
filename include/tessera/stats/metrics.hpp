#pragma once
/// @file
/// The metrics of scikit-learn's sklearn.metrics, from sums the workers add up over chunks, and
/// for ROC AUC from score tables the workers merge up a tree: rank 0 never sees a row.
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
  /// The field order where counts travel as numbers (summed elementwise over chunks).
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit("rows", self.rows);
    visit("tp", self.tp);
    visit("fp", self.fp);
    visit("fn", self.fn);
    visit("tn", self.tn);
    visit("log_loss_sum", self.log_loss_sum);
  }
  /// One predicted probability of class 1 against its label.
  void add(bool truth, double probability);
};

/// The scores of some rows, sorted, with how many positive and negative rows have each: a 3 x m
/// matrix (score; positives; negatives), scores strictly increasing. Two tables of disjoint rows
/// merge into the table of their union exactly, so ROC AUC needs no row on rank 0.
Eigen::MatrixXd score_table(const Eigen::Ref<const Eigen::VectorXd>& labels, const Eigen::Ref<const Eigen::VectorXd>& scores);
Eigen::MatrixXd merge_score_tables(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b);
/// The ROC curve of a score table: 2 x k, false positive rates then true positive rates, from
/// (0, 0) to (1, 1), one point per distinct score as the threshold falls (scikit-learn's
/// roc_curve with drop_intermediate=False) — or, past `max_points`, that many of them, evenly
/// spaced in rank and always with both ends. Empty when either class is missing.
Eigen::MatrixXd roc_curve(const Eigen::MatrixXd& table, Eigen::Index max_points);
/// Area under the ROC curve from a score table: the Mann–Whitney statistic, tied scores counted
/// half — what roc_auc_score computes. NaN when only one class is present.
double roc_auc(const Eigen::MatrixXd& table);

/// The same from the rows themselves (`scores`: any increasing function of p; `labels` in {0, 1}).
double roc_auc(const Eigen::Ref<const Eigen::VectorXd>& labels, const Eigen::Ref<const Eigen::VectorXd>& scores);

/// The scorer `scoring` (accuracy, neg_log_loss, f1; roc_auc is given as `auc`), larger is better.
double classification_score(const std::string& scoring, const ClassificationCounts& counts, double auc);

/// Sums for regression metrics, merged over chunks with Chan's update so R² keeps its digits.
struct RegressionMoments {
  double rows = 0, sse = 0, sae = 0;  ///< Σ (y − ŷ)², Σ |y − ŷ|
  double mean_y = 0, m2_y = 0;        ///< mean of y, Σ (y − ȳ)²

  static RegressionMoments of(const Eigen::Ref<const Eigen::VectorXd>& truth, const Eigen::Ref<const Eigen::VectorXd>& predicted);
  void merge(const RegressionMoments& other);
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit("rows", self.rows);
    visit("sse", self.sse);
    visit("sae", self.sae);
    visit("mean_y", self.mean_y);
    visit("m2_y", self.m2_y);
  }
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
