// Metrics against their definitions, computed the slow, obvious way in the test.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "tessera/stats/metrics.hpp"

namespace tessera {
namespace {

/// ROC AUC by its definition: the share of (positive, negative) pairs ranked correctly, ties half.
double pairwise_auc(const Eigen::VectorXd& labels, const Eigen::VectorXd& scores) {
  double good = 0, pairs = 0;
  for (Eigen::Index i = 0; i < labels.size(); ++i)
    for (Eigen::Index j = 0; j < labels.size(); ++j)
      if (labels(i) == 1 && labels(j) == 0) {
        pairs += 1;
        good += scores(i) > scores(j) ? 1 : scores(i) == scores(j) ? 0.5 : 0;
      }
  return good / pairs;
}

TEST(Metrics, RocAucIsTheShareOfCorrectlyOrderedPairsWithTiesCountedHalf) {
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> coarse(0, 9);  // few distinct scores: many ties
  Eigen::VectorXd labels(300), scores(300);
  for (Eigen::Index i = 0; i < labels.size(); ++i) {
    labels(i) = static_cast<double>(rng() % 2);
    scores(i) = coarse(rng) + labels(i) * 2;
  }
  EXPECT_NEAR(roc_auc(labels, scores), pairwise_auc(labels, scores), 1e-15);
  EXPECT_DOUBLE_EQ(roc_auc(labels, labels), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc(labels, -labels), 0.0);
  EXPECT_TRUE(std::isnan(roc_auc(Eigen::VectorXd::Ones(4), scores.head(4))));
}

TEST(Metrics, CountsGiveTheTextbookRatios) {
  // 3 true positives, 1 false positive, 2 false negatives, 4 true negatives.
  const ClassificationCounts c{10, 3, 1, 2, 4, 0};
  EXPECT_DOUBLE_EQ(c.accuracy(), 0.7);
  EXPECT_DOUBLE_EQ(c.precision(), 0.75);
  EXPECT_DOUBLE_EQ(c.recall(), 0.6);
  EXPECT_DOUBLE_EQ(c.f1(), 2 * 0.75 * 0.6 / (0.75 + 0.6));
  EXPECT_EQ(ClassificationCounts({5, 0, 0, 0, 5, 0}).f1(), 0);  // nothing positive: 0, not NaN
}

TEST(Metrics, ClassificationReportCountsThresholdsAtOneHalfAndClipsTheLogLoss) {
  Eigen::VectorXd y(5), p(5);
  y << 1, 0, 1, 0, 1;
  p << 0.9, 0.5, 0.0, 1.0, 0.5;  // p = 0.5 is predicted 0; p = 0 and 1 are clipped to ε, 1 − ε
  const ClassificationReport r = classification_report(y, p);
  EXPECT_EQ(r.counts.tp, 1);
  EXPECT_EQ(r.counts.fp, 1);
  EXPECT_EQ(r.counts.fn, 2);
  EXPECT_EQ(r.counts.tn, 1);
  const double eps = std::numeric_limits<double>::epsilon();
  const double expected = -(std::log(0.9) + std::log(0.5) + std::log(eps) + std::log(eps) + std::log(0.5)) / 5;
  EXPECT_NEAR(r.counts.log_loss(), expected, 1e-14);
  EXPECT_NEAR(r.roc_auc, pairwise_auc(y, p), 1e-15);
}

TEST(Metrics, RegressionMomentsMergedOverChunksEqualTheWholeAtOnce) {
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal(1e6, 3);  // a large mean: naive Σy² − n ȳ² would lose every digit
  Eigen::VectorXd y(1000), yhat(1000);
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    y(i) = normal(rng);
    yhat(i) = y(i) + normal(rng) - 1e6;
  }
  RegressionMoments merged = RegressionMoments::of(y.head(137), yhat.head(137));
  merged.merge(RegressionMoments::of(y.segment(137, 500), yhat.segment(137, 500)));
  merged.merge(RegressionMoments::of(y.tail(363), yhat.tail(363)));
  // The reference in long double, two passes: the mean first, then the squares about it.
  const auto yl = y.cast<long double>();
  const long double mean = yl.mean();
  const double tss = static_cast<double>((yl.array() - mean).square().sum()), sse = (y - yhat).squaredNorm();
  EXPECT_EQ(merged.rows, 1000);
  EXPECT_NEAR(merged.mse(), sse / 1000, 1e-12 * sse / 1000);
  EXPECT_NEAR(merged.mae(), (y - yhat).cwiseAbs().mean(), 1e-12);
  EXPECT_NEAR(merged.r2(), 1 - sse / tss, 1e-10);  // y's digits below 1e-10 of its size are gone in double
}

}  // namespace
}  // namespace tessera
