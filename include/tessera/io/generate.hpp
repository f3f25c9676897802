#pragma once
/// @file
/// `tessera generate`: synthetic regression or classification data, written by all ranks in
/// parallel (each its own contiguous chunks) through parallel HDF5. Every value is a pure function
/// of (seed, position), so the file's bytes do not depend on the number of ranks.
#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <string>

namespace tessera {

struct GenerateOptions {
  std::string kind;  ///< "regression" or "classification"
  std::int64_t rows = 0, cols = 0;
  std::uint64_t seed = 0;
  std::int64_t chunk_rows = 65536;
  double noise = 1.0;
  std::string output;
  bool overwrite = false;
};

/// Writes X (rows x cols), y (rows), coef_true (cols) and expected_y (rows: E[y | x], the
/// noiseless Xβ or the probability of class 1). Collective over `world`.
/// Throws InputError (on every rank) for bad options or an unusable output path.
void generate(const boost::mpi::communicator& world, const GenerateOptions& options);

/// The standard-normal value at (seed, stream, counter), reproducible anywhere.
double counter_normal(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter);
/// The uniform (0, 1) value at (seed, stream, counter).
double counter_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter);

}  // namespace tessera
