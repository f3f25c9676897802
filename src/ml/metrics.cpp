#include "tessera/ml/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "tessera/error.hpp"

namespace tessera {

double roc_auc(const Eigen::Ref<const Eigen::VectorXd>& labels, const Eigen::Ref<const Eigen::VectorXd>& scores) {
  const auto n = static_cast<std::size_t>(labels.size());
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return scores(static_cast<Eigen::Index>(a)) < scores(static_cast<Eigen::Index>(b));
  });
  // Σ over positives of their rank among all scores (ties share the mean rank), in long double so
  // the sum of ranks of a million rows keeps every digit.
  long double positive_rank_sum = 0, positives = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    long double tied_positives = 0;
    while (j < n && scores(static_cast<Eigen::Index>(order[j])) == scores(static_cast<Eigen::Index>(order[i]))) {
      tied_positives += labels(static_cast<Eigen::Index>(order[j]));
      ++j;
    }
    const long double mean_rank = (static_cast<long double>(i + 1) + static_cast<long double>(j)) / 2;
    positive_rank_sum += tied_positives * mean_rank;
    positives += tied_positives;
    i = j;
  }
  const long double negatives = static_cast<long double>(n) - positives;
  if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>((positive_rank_sum - positives * (positives + 1) / 2) / (positives * negatives));
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


ClassificationReport classification_report(const Eigen::Ref<const Eigen::VectorXd>& labels,
                                           const Eigen::Ref<const Eigen::VectorXd>& probabilities) {
  constexpr double eps = std::numeric_limits<double>::epsilon();
  ClassificationReport r;
  ClassificationCounts& c = r.counts;
  c.rows = static_cast<double>(labels.size());
  long double log_loss = 0;
  for (Eigen::Index i = 0; i < labels.size(); ++i) {
    const bool truth = labels(i) == 1, predicted = probabilities(i) > 0.5;
    (truth ? (predicted ? c.tp : c.fn) : (predicted ? c.fp : c.tn)) += 1;
    const double p = std::clamp(probabilities(i), eps, 1 - eps);
    log_loss -= std::log(truth ? p : 1 - p);
  }
  c.log_loss_sum = static_cast<double>(log_loss);
  r.roc_auc = roc_auc(labels, probabilities);
  return r;
}

}  // namespace tessera
