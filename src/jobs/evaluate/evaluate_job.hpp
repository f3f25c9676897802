#pragma once
/// @file
/// The `evaluate` job: metrics of a predictions file against a truth file, as scikit-learn's
/// sklearn.metrics computes them. Regression: MSE, RMSE, MAE, R² (from per-chunk moments merged up
/// a tree). Classification (predictions = probability of class 1, truth in {0, 1}): accuracy,
/// precision, recall, F1 for each class, log-loss, ROC AUC and the confusion matrix — the (y, p)
/// pairs come to rank 0, because ROC AUC ranks all of them.
#include <ostream>

#include "tessera/jobs/job_runner.hpp"

namespace tessera {

PlannedGraph plan_evaluate(const JobSpec& job);
nlohmann::json run_evaluate(Client& client, const JobSpec& job, OutputFile& output, std::ostream& report);

}  // namespace tessera
