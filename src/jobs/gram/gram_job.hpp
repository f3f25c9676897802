#pragma once
/// @file
/// The `gram` job: XᵀX and Xᵀy over row chunks, tree-reduced. Output datasets XtX, Xty, n.
#include "tessera/jobs/job_runner.hpp"

namespace tessera {

PlannedGraph plan_gram(const JobSpec& job);
nlohmann::json run_gram(Client& client, const JobSpec& job, OutputFile& output);

}  // namespace tessera
