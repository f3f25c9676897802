#pragma once
/// @file
/// The `evaluate` job: metrics of a predictions file against a truth file, as scikit-learn's
/// sklearn.metrics computes them. Regression: MSE, RMSE, MAE, R² (from per-chunk moments merged up
/// a tree). Classification (predictions = probability of class 1, truth in {0, 1}): accuracy,
/// precision, recall, F1 for each class, log-loss, ROC AUC and the confusion matrix — counts summed
/// and score tables merged on the workers, so rank 0 receives a few numbers.
#include <string>

#include "tessera/jobs/job_type.hpp"

namespace tessera {

struct EvaluateOptions {
  std::string metrics;
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit(KeyDoc{"metrics",
                 "what the predictions are scored as: MSE, RMSE, MAE, R²; or accuracy, precision, recall, F1, log-loss, "
                 "ROC AUC, confusion matrix (predictions = P(y = 1))",
                 Check::none, {"regression", "classification"}, /*required=*/true},
          self.metrics);
  }
};

extern const JobType evaluate_job;

}  // namespace tessera
