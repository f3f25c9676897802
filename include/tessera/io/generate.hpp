#pragma once
/// @file
/// `tessera generate`: synthetic regression or classification data. Rank 0 lays the file out (the
/// chunked datasets, their storage allocated and reserved on disk); then every rank writes the raw
/// bytes of its own contiguous run of chunks with pwrite. Every value is a pure function of
/// (seed, position) and the layout is rank 0's alone, so the file's bytes do not depend on the
/// number of ranks. Each step ends with a verdict all ranks share, so a failure anywhere (a full
/// disk, a signal) ends every rank with the same error and leaves no file behind.
#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace tessera {

struct GenerateOptions {
  std::string kind;  ///< "regression" or "classification"
  std::int64_t rows = 0, cols = 0;
  std::uint64_t seed = 0;
  std::optional<std::int64_t> chunk_rows;  ///< default: 65,536, fewer when rows are too wide for HDF5's 4 GiB chunks
  double noise = 1.0;
  /// Row i of the file is row first_row + i of the seed's sequence: with the same seed and
  /// first_row past another file's rows, rows of the same model that the other file lacks.
  std::int64_t first_row = 0;
  std::string output;
  bool overwrite = false;
};

/// Writes X (rows x cols), y (rows), coef_true (cols) and expected_y (rows: E[y | x], the
/// noiseless Xβ or the probability of class 1). Collective over `world`.
/// Throws InputError (on every rank) for bad options or an unusable output path, IoError for a
/// failed write, Interrupted for a signal.
void generate(const boost::mpi::communicator& world, const GenerateOptions& options);

/// The standard-normal value at (seed, stream, counter), reproducible anywhere.
double counter_normal(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter);
/// The uniform (0, 1) value at (seed, stream, counter).
double counter_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter);

}  // namespace tessera
