#pragma once
/// @file
/// The `logistic` job: binary logistic regression — a fit, k-fold cross-validation, or a grid
/// search over C (and pca.n_components) — where every pass over the data serves every model
/// still being fitted: each (candidate, fold) pair, and each candidate's refit on all rows.
/// The first pass gives per-fold Gram matrices (the exact first Newton step and, for PCA, the
/// axes); each later pass gives every active model's loss, gradient and Hessian at once.
/// See docs/model-selection.md.
#include <ostream>

#include "tessera/jobs/job_runner.hpp"

namespace tessera {

/// The first pass (the later ones depend on its results).
PlannedGraph plan_logistic(const JobSpec& job);
nlohmann::json run_logistic(Client& client, const JobSpec& job, OutputFile& output, std::ostream& report);

}  // namespace tessera
