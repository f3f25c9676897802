#pragma once
/// @file
/// The `dot` job: C = A·B with A row-chunked (n x k) and B whole (k x m). Each worker reads B
/// once; each chunk's rows of C are written by the worker that computed them straight into the
/// output file, so C never passes through rank 0. Output dataset C (n x m).
#include "tessera/jobs/job_runner.hpp"

namespace tessera {

/// `out_path` and `offset` say where the write tasks put C (see hdf5::create_contiguous).
PlannedGraph plan_dot(const JobSpec& job, int workers, const std::string& out_path, std::uint64_t offset);
nlohmann::json run_dot(Client& client, const JobSpec& job, OutputFile& output);

}  // namespace tessera
