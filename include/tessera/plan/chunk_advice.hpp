#pragma once
/// @file
/// How many rows a task takes, judged against the number of workers. Two things go wrong with
/// many workers: tasks too short for rank 0, which spends about 10 µs handing out and collecting
/// each of them (docs/scaling.md), and too few chunks to keep every worker busy. A small cost
/// model predicts a pass's time for a chunk size; `chunk_rows = "auto"` takes the best one, and
/// any other chunking that the model finds much slower is warned about, with the advice.
#include <cstdint>
#include <optional>
#include <string>

#include "tessera/job/job_spec.hpp"
#include "tessera/plan/data_source.hpp"

namespace tessera {

/// The model's assumptions, measured on the project's machine and rounded (docs/scaling.md).
struct ChunkCostModel {
  double rank0_seconds_per_chunk = 40e-6;  ///< a chunk is 4 tasks (reads of X and y, kernel, sum), ~10 µs each
  double rank0_headroom = 2;               ///< rank 0 kept at most half busy: it also answers fetches
  double worker_seconds_per_chunk = 50e-6; ///< one HDF5 read call and two messages
  double worker_bytes_per_second = 2e9;    ///< reading and XᵀX of a chunk, per worker
  double most_chunk_bytes = 256.0 * (1 << 20);  ///< a worker holds a few chunks at once
  double least_saving_seconds = 0.05;          ///< advice saving less per pass is not worth a line
};

/// The predicted time of one pass over `source` in chunks of `chunk_rows` on `workers` workers.
double predicted_pass_seconds(const MatrixSource& source, std::int64_t chunk_rows, int workers,
                              const ChunkCostModel& model = {});

/// The chunk size "auto" picks: the dataset's own chunking (or 65,536 rows) when the model finds
/// it within 10% of the best, else the best (a multiple of 1,024 rows, or of the file's chunking).
/// Keeping the default when it is good keeps the bits of runs at different worker counts equal
/// (another chunking sums in another order).
std::int64_t auto_chunk_rows(const MatrixSource& source, int workers, const ChunkCostModel& model = {});

/// One line of advice when `chunk_rows` leaves workers with nothing to do, or makes tasks so short
/// that rank 0 is the bottleneck, naming the chunk_rows to use; nullopt when the chunking is fine,
/// or when the best is less than 1.25x or 50 ms per pass faster (small data: no noise).
std::optional<std::string> chunking_advice(const MatrixSource& source, std::int64_t chunk_rows, int workers,
                                           const ChunkCostModel& model = {});

/// The job's chunk size for `source`: [data] chunk_rows if a number, auto_chunk_rows if "auto",
/// else the dataset's own chunking (65,536 rows if it has none). Logs, once per dataset, the
/// advice when the file's chunking is poor for the workers (a number the user set is taken as
/// given), or what "auto" chose.
std::int64_t choose_chunk_rows(const DataSpec& data, const MatrixSource& source);

/// The dataset's own chunking along rows, or 65,536 rows if it is stored contiguously.
std::int64_t file_chunk_rows(const MatrixSource& source);

}  // namespace tessera
