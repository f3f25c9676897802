#pragma once
/// @file
/// The `ols` job: least squares on row chunks, by TSQR (default) or Cholesky, with the full
/// statistical report and optional prediction on another file. See docs/least-squares.md.
#include <ostream>

#include "tessera/jobs/job_runner.hpp"

namespace tessera {

/// The first pass of the fit (for `tessera graph`): per-chunk R factors (or Gram matrices) and
/// their reduction tree.
PlannedGraph plan_ols(const JobSpec& job);
/// Fits, writes every quantity of the report (and predictions) into `output`, prints the table to
/// `report`, and returns the report's JSON fields.
nlohmann::json run_ols(Client& client, const JobSpec& job, OutputFile& output, std::ostream& report);

}  // namespace tessera
