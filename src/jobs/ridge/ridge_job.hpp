#pragma once
/// @file
/// The `ridge` job: a fit, k-fold cross-validation, or a grid search, all from one pass over the
/// data. Each chunk contributes the augmented Gram matrix of its rows in each fold; a fold's
/// training statistics are the total minus the fold's own, so every (candidate, fold) fit is a
/// small p x p solve on rank 0. See docs/model-selection.md.
#include <ostream>

#include "tessera/jobs/job_runner.hpp"

namespace tessera {

PlannedGraph plan_ridge(const JobSpec& job);
nlohmann::json run_ridge(Client& client, const JobSpec& job, OutputFile& output, std::ostream& report);

}  // namespace tessera
