#pragma once
/// @file
/// One entry per model type: how to draw its task graph (for `tessera graph`) and how to run it
/// (for `tessera run`). Each job checks its inputs on rank 0, builds its graph, runs it through
/// the Client, writes its datasets into the job's OutputFile and returns its summary.
#include <nlohmann/json.hpp>
#include <ostream>

#include "tessera/graph/graph.hpp"
#include "tessera/io/output_file.hpp"
#include "tessera/job/job_spec.hpp"
#include "tessera/runtime/client.hpp"

namespace tessera {

/// A job's graph and the keys whose values it wants.
struct PlannedGraph {
  Graph graph;
  std::vector<TaskKey> outputs;
};

/// The graph a job would run with `workers` workers (it is the same graph `run_job` submits).
PlannedGraph plan_job(const JobSpec& job, int workers);

/// Runs a job: writes its datasets into `output` (not yet committed), prints any human-readable
/// report to `report`, and returns the fields of its summary (the caller adds output, ranks,
/// tasks, seconds).
nlohmann::json run_job(Client& client, const JobSpec& job, OutputFile& output, std::ostream& report);

}  // namespace tessera
