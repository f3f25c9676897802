#pragma once
/// @file
/// A run's trace as Chrome trace-event JSON (the format Perfetto and chrome://tracing open): one
/// process per rank, one thread per track, a complete ("X") event per task, HDF5 read, stored-
/// result write and message, and a flow arrow from each holder serving a fetch to the rank that
/// received it. Beside the events, under "tessera", the job (type, files, summary) and its
/// profile, from which `tessera report` draws its pages without rerunning the job.
#include <string>

#include <nlohmann/json.hpp>

#include "tessera/runtime/profile.hpp"

namespace tessera {

/// The whole document. `job`: what the run was (type, job file, output path, summary).
std::string chrome_trace_json(const RunRecord& record, const nlohmann::json& job);

}  // namespace tessera
