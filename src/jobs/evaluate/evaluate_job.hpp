#pragma once
/// @file
/// The `evaluate` job: metrics of a predictions file against a truth file, as scikit-learn's
/// sklearn.metrics computes them. Regression: MSE, RMSE, MAE, R² (from per-chunk moments merged up
/// a tree). Classification (predictions = probability of the positive class, truth of any two
/// values, the positive the larger unless `positive_class` names it): accuracy,
/// precision, recall, F1 for each class, log-loss, ROC AUC and the confusion matrix — counts summed
/// and score tables merged on the workers, so rank 0 receives a few numbers.
#include <optional>
#include <string>

#include "tessera/jobs/job_type.hpp"

namespace tessera {

struct EvaluateOptions {
  std::string metrics;
  std::optional<double> positive_class;
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit(KeyDoc{"metrics",
                 "what the predictions are scored as: MSE, RMSE, MAE, R²; or accuracy, precision, recall, F1, log-loss, "
                 "ROC AUC, confusion matrix (predictions = P(y = positive_class))",
                 Check::none, {"regression", "classification"}, /*required=*/true},
          self.metrics);
    visit(KeyDoc{"positive_class", "classification: the truth's value the predictions give the probability of (default the "
                                   "larger of its two)"},
          self.positive_class);
  }
};

extern const JobType evaluate_job;

}  // namespace tessera
