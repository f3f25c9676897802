#pragma once
/// @file
/// The end-of-job profile: where the wall time went, per rank and per kernel. Rank 0 assembles it
/// from its own bookkeeping (tasks per rank and kernel, the critical path, the passes over the
/// data) and from what each rank measured itself (busy time per thread, bytes read from HDF5 and
/// moved between peers, peak memory, and the trace events when a trace was asked for).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tessera/core/trace.hpp"
#include "tessera/runtime/protocol.hpp"

namespace tessera {

struct RankSummary {
  int rank = 0;
  std::string host;
  double seconds = 0;  ///< the rank's wall time, since the common epoch
  std::array<double, trace::track_count> busy_seconds{};
  std::uint64_t tasks = 0;         ///< computed here
  std::uint64_t tasks_loaded = 0;  ///< read from the checkpoint store here
  std::uint64_t hdf5_bytes_read = 0, bytes_fetched = 0, bytes_sent = 0, peak_memory_bytes = 0;
  std::uint64_t events = 0, dropped_events = 0;
};

struct KernelProfile {
  std::string name;
  std::uint64_t tasks = 0;
  double total_seconds = 0, max_seconds = 0;
};

struct JobProfile {
  double wall_seconds = 0;
  /// The longest chain of dependent tasks, by their run times: what no number of ranks can beat.
  double critical_path_seconds = 0;
  /// Chunk reads run ÷ distinct chunks read (1: every chunk read once); 0 when nothing was read.
  double passes = 0;
  std::uint64_t tasks = 0, tasks_from_store = 0;
  std::vector<RankSummary> ranks;
  std::vector<KernelProfile> kernels;  ///< by total time, largest first

  nlohmann::json to_json() const;
  /// The lines printed on stderr at the end of a job.
  std::vector<std::string> to_lines() const;
};

/// What this rank measured, with its trace events when a trace is being kept.
protocol::RankProfile this_rank_profile();

/// A profile together with every rank's raw measurements (index = rank), for the trace writer.
struct RunRecord {
  JobProfile profile;
  std::vector<protocol::RankProfile> ranks;
};

}  // namespace tessera
