#include "tessera/stats/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "tessera/error.hpp"

namespace tessera {

Eigen::MatrixXd score_table(const Eigen::Ref<const Eigen::VectorXd>& labels, const Eigen::Ref<const Eigen::VectorXd>& scores) {
  const auto n = static_cast<std::size_t>(labels.size());
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return scores(static_cast<Eigen::Index>(a)) < scores(static_cast<Eigen::Index>(b));
  });
  Eigen::MatrixXd table(3, static_cast<Eigen::Index>(n));
  Eigen::Index m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double s = scores(static_cast<Eigen::Index>(order[i])), positive = labels(static_cast<Eigen::Index>(order[i]));
    if (m == 0 || table(0, m - 1) != s) {
      table.col(m) << s, 0, 0;
      ++m;
    }
    table(positive == 1 ? 1 : 2, m - 1) += 1;
  }
  return table.leftCols(m);
}

Eigen::MatrixXd merge_score_tables(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  Eigen::MatrixXd out(3, a.cols() + b.cols());
  Eigen::Index i = 0, j = 0, m = 0;
  while (i < a.cols() || j < b.cols()) {
    const bool take_a = j == b.cols() || (i < a.cols() && a(0, i) <= b(0, j));
    const auto& from = take_a ? a : b;
    const Eigen::Index k = take_a ? i++ : j++;
    if (m > 0 && out(0, m - 1) == from(0, k)) {
      out(1, m - 1) += from(1, k);
      out(2, m - 1) += from(2, k);
    } else {
      out.col(m++) = from.col(k);
    }
  }
  return out.leftCols(m);
}

double roc_auc(const Eigen::MatrixXd& table) {
  // Σ over positives of their rank among all scores (ties share the mean rank), in long double so
  // the sum of ranks of millions of rows keeps every digit.
  long double positive_rank_sum = 0, positives = 0, seen = 0;
  for (Eigen::Index c = 0; c < table.cols(); ++c) {
    const long double pos = table(1, c), tied = pos + table(2, c);
    positive_rank_sum += pos * (2 * seen + tied + 1) / 2;  // ranks seen + 1 .. seen + tied, averaged
    positives += pos;
    seen += tied;
  }
  const long double negatives = seen - positives;
  if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>((positive_rank_sum - positives * (positives + 1) / 2) / (positives * negatives));
}

Eigen::MatrixXd roc_curve(const Eigen::MatrixXd& table, Eigen::Index max_points) {
  const Eigen::Index m = table.cols();
  const double positives = m ? table.row(1).sum() : 0, negatives = m ? table.row(2).sum() : 0;
  if (positives <= 0 || negatives <= 0) return {};
  // Thresholds from the highest score down: after column c (the table is in increasing score
  // order) every row scoring at least table(0, c) is predicted positive.
  const Eigen::Index points = m + 1;  // (0, 0), then one per distinct score
  const Eigen::Index kept = std::min(points, std::max<Eigen::Index>(max_points, 2));
  Eigen::MatrixXd curve(2, kept);
  double tp = 0, fp = 0;
  Eigen::Index next = 0;
  auto wanted = [&](Eigen::Index i) {  // the i-th kept point's index among all points
    return kept == points ? i : static_cast<Eigen::Index>((static_cast<double>(i) * static_cast<double>(points - 1)) / static_cast<double>(kept - 1));
  };
  for (Eigen::Index i = 0; i < points && next < kept; ++i) {
    if (i > 0) {
      tp += table(1, m - i);
      fp += table(2, m - i);
    }
    while (next < kept && wanted(next) == i) {
      curve(0, next) = fp / negatives;
      curve(1, next) = tp / positives;
      ++next;
    }
  }
  return curve;
}

double roc_auc(const Eigen::Ref<const Eigen::VectorXd>& labels, const Eigen::Ref<const Eigen::VectorXd>& scores) {
  return roc_auc(score_table(labels, scores));
}

double classification_score(const std::string& scoring, const ClassificationCounts& counts, double auc) {
  if (scoring == "accuracy") return counts.accuracy();
  // Like scikit-learn's scorers, log-loss and ROC AUC are undefined on a fold of one class.
  const bool one_class = counts.tp + counts.fn == 0 || counts.tn + counts.fp == 0;
  if (scoring == "neg_log_loss") return one_class ? std::numeric_limits<double>::quiet_NaN() : -counts.log_loss();
  if (scoring == "f1") return counts.f1();
  if (scoring == "roc_auc") return auc;
  throw Error("unknown classification scoring '" + scoring + "'");
}

RegressionMoments RegressionMoments::of(const Eigen::Ref<const Eigen::VectorXd>& truth,
                                        const Eigen::Ref<const Eigen::VectorXd>& predicted) {
  RegressionMoments m;
  m.rows = static_cast<double>(truth.size());
  if (truth.size() == 0) return m;
  m.sse = (truth - predicted).squaredNorm();
  m.sae = (truth - predicted).cwiseAbs().sum();
  m.mean_y = truth.mean();
  m.m2_y = (truth.array() - m.mean_y).square().sum();
  return m;
}

void RegressionMoments::merge(const RegressionMoments& other) {
  if (other.rows == 0) return;
  const double total = rows + other.rows, delta = other.mean_y - mean_y;
  m2_y += other.m2_y + delta * delta * rows * other.rows / total;
  mean_y += delta * other.rows / total;
  rows = total;
  sse += other.sse;
  sae += other.sae;
}


void ClassificationCounts::add(bool truth, double probability) {
  constexpr double eps = std::numeric_limits<double>::epsilon();
  const bool predicted = probability > 0.5;
  rows += 1;
  (truth ? (predicted ? tp : fn) : (predicted ? fp : tn)) += 1;
  const double p = std::clamp(probability, eps, 1 - eps);
  log_loss_sum -= std::log(truth ? p : 1 - p);
}

ClassificationReport classification_report(const Eigen::Ref<const Eigen::VectorXd>& labels,
                                           const Eigen::Ref<const Eigen::VectorXd>& probabilities) {
  ClassificationReport r;
  for (Eigen::Index i = 0; i < labels.size(); ++i) r.counts.add(labels(i) == 1, probabilities(i));
  r.roc_auc = roc_auc(labels, probabilities);
  return r;
}

}  // namespace tessera
