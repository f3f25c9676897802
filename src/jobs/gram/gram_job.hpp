#pragma once
/// @file
/// The `gram` job: XᵀX and Xᵀy over row chunks, tree-reduced. Output datasets XtX, Xty, n.
#include <string>

#include "tessera/jobs/job_type.hpp"

namespace tessera {

extern const JobType gram_job;

}  // namespace tessera
