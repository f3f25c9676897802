#pragma once
/// @file
/// The `dot` job: C = A·B with A row-chunked (n x k) and B whole (k x m). Each worker reads B
/// once; each chunk's rows of C are written by the worker that computed them straight into the
/// output file, so C never passes through rank 0. Output dataset C (n x m).
#include <string>

#include "tessera/jobs/job_type.hpp"

namespace tessera {

extern const JobType dot_job;

}  // namespace tessera
