#include "tessera/io/generate.hpp"

#include <boost/mpi/collectives.hpp>
#include <cmath>
#include <numbers>
#include <vector>

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/io/atomic_output.hpp"
#include "tessera/io/hdf5.hpp"
#include "tessera/util/splitmix.hpp"

namespace tessera {
namespace {

std::uint64_t counter_bits(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter) {
  return splitmix64(splitmix64(splitmix64(seed) ^ stream) ^ counter);
}

void check_options(const GenerateOptions& o) {
  if (o.kind != "regression" && o.kind != "classification")
    throw InputError("generate: unknown kind '" + o.kind + "' (regression or classification)");
  if (o.rows <= 0) throw InputError(fmt::format("generate: --rows must be positive, got {}", o.rows));
  if (o.cols <= 0) throw InputError(fmt::format("generate: --cols must be positive, got {}", o.cols));
  if (o.chunk_rows <= 0) throw InputError(fmt::format("generate: --chunk-rows must be positive, got {}", o.chunk_rows));
  if (!(o.noise >= 0) || !std::isfinite(o.noise)) throw InputError(fmt::format("generate: --noise must be >= 0, got {}", o.noise));
}

/// coef_true: N(0, 1) per feature, rounded to 1/16 so a reader can recognise them.
std::vector<double> true_coefficients(const GenerateOptions& o) {
  std::vector<double> coef(static_cast<std::size_t>(o.cols));
  for (std::int64_t j = 0; j < o.cols; ++j)
    coef[static_cast<std::size_t>(j)] = std::round(16 * counter_normal(o.seed, 1, static_cast<std::uint64_t>(j))) / 16;
  return coef;
}

hdf5::Handle create_dataset(hid_t file, const char* name, int rank, const hsize_t* dims, const hsize_t* chunk) {
  hdf5::Handle dcpl(hdf5::check(H5Pcreate(H5P_DATASET_CREATE), "dataset properties"));
  if (chunk) hdf5::check_status(H5Pset_chunk(dcpl.id(), rank, chunk), std::string("chunking ") + name);
  // No modification times in the object headers: the file's bytes depend on the data alone.
  hdf5::check_status(H5Pset_obj_track_times(dcpl.id(), false), std::string("time tracking ") + name);
  hdf5::Handle space(hdf5::check(H5Screate_simple(rank, dims, nullptr), std::string("dataspace ") + name));
  return hdf5::Handle(hdf5::check(H5Dcreate2(file, name, H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                                  std::string("creating ") + name));
}

void write_rows(hid_t dataset, int rank, hsize_t row_begin, hsize_t rows, hsize_t cols, const double* data) {
  hdf5::Handle space(hdf5::check(H5Dget_space(dataset), "dataspace"));
  const hsize_t start[2] = {row_begin, 0}, count[2] = {rows, cols};
  hdf5::check_status(H5Sselect_hyperslab(space.id(), H5S_SELECT_SET, start, nullptr, count, nullptr), "selecting rows");
  hdf5::Handle memory(hdf5::check(H5Screate_simple(rank, count, nullptr), "memory space"));
  hdf5::check_status(H5Dwrite(dataset, H5T_NATIVE_DOUBLE, memory.id(), space.id(), H5P_DEFAULT, data), "writing rows");
}

}  // namespace

double counter_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter) {
  return (static_cast<double>(counter_bits(seed, stream, counter) >> 11) + 0.5) * 0x1.0p-53;
}

double counter_normal(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter) {
  // Box-Muller on two independent uniforms derived from the same position.
  const double u1 = counter_uniform(seed, stream, 2 * counter), u2 = counter_uniform(seed, stream, 2 * counter + 1);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

void generate(const boost::mpi::communicator& world, const GenerateOptions& o) {
  check_options(o);
  // Rank 0 checks the destination; everyone learns the verdict, so all ranks fail alike.
  std::string problem;
  std::unique_ptr<AtomicOutput> output;
  if (world.rank() == 0) {
    try {
      output = std::make_unique<AtomicOutput>(o.output, o.overwrite);
    } catch (const InputError& e) {
      problem = e.what();
    }
  }
  boost::mpi::broadcast(world, problem, 0);
  if (!problem.empty()) throw InputError(problem);
  std::string temp = output ? output->temp_path() : std::string();
  boost::mpi::broadcast(world, temp, 0);

  const std::vector<double> coef = true_coefficients(o);
  const auto rows = static_cast<hsize_t>(o.rows), cols = static_cast<hsize_t>(o.cols);
  const hsize_t chunk_rows = std::min<hsize_t>(static_cast<hsize_t>(o.chunk_rows), rows);
  const hsize_t chunks = (rows + chunk_rows - 1) / chunk_rows;

  hdf5::Handle fapl(hdf5::check(H5Pcreate(H5P_FILE_ACCESS), "file access properties"));
  hdf5::check_status(H5Pset_fapl_mpio(fapl.id(), world, MPI_INFO_NULL), "MPI-IO driver");
  hdf5::Handle file(hdf5::check(H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()), "creating " + temp));
  const hsize_t x_dims[2] = {rows, cols}, x_chunk[2] = {chunk_rows, cols};
  const hsize_t y_dims[1] = {rows}, y_chunk[1] = {chunk_rows}, c_dims[1] = {cols};
  hdf5::Handle x = create_dataset(file.id(), "X", 2, x_dims, x_chunk);
  hdf5::Handle y = create_dataset(file.id(), "y", 1, y_dims, y_chunk);
  hdf5::Handle c = create_dataset(file.id(), "coef_true", 1, c_dims, nullptr);
  // E[y | x]: Xβ, or the probability of class 1 — the best possible predictions, for `evaluate`.
  hdf5::Handle expected = create_dataset(file.id(), "expected_y", 1, y_dims, y_chunk);

  // Each rank writes a contiguous run of whole chunks; writes are independent (no collective I/O),
  // so ranks with different chunk counts never wait on each other.
  const auto size = static_cast<hsize_t>(world.size()), me = static_cast<hsize_t>(world.rank());
  const hsize_t first = chunks * me / size, last = chunks * (me + 1) / size;
  std::string failure;
  try {
    std::vector<double> xbuf, ybuf, ebuf;
    for (hsize_t k = first; k < last; ++k) {
      const hsize_t begin = k * chunk_rows, n = std::min(rows, begin + chunk_rows) - begin;
      xbuf.resize(n * cols);
      ybuf.resize(n);
      ebuf.resize(n);
      for (hsize_t i = 0; i < n; ++i) {
        double linear = 0;
        for (hsize_t j = 0; j < cols; ++j) {
          const double v = counter_normal(o.seed, 0, (begin + i) * cols + j);
          xbuf[i * cols + j] = v;
          linear += v * coef[j];
        }
        if (o.kind == "regression") {
          ebuf[i] = linear;
          ybuf[i] = linear + o.noise * counter_normal(o.seed, 2, begin + i);
        } else {
          ebuf[i] = 1.0 / (1.0 + std::exp(-linear));
          ybuf[i] = counter_uniform(o.seed, 3, begin + i) < ebuf[i] ? 1.0 : 0.0;
        }
      }
      write_rows(x.id(), 2, begin, n, cols, xbuf.data());
      write_rows(y.id(), 1, begin, n, 1, ybuf.data());
      write_rows(expected.id(), 1, begin, n, 1, ebuf.data());
    }
    if (world.rank() == 0)
      hdf5::check_status(H5Dwrite(c.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, coef.data()), "writing coef_true");
  } catch (const std::exception& e) {
    failure = e.what();
  }
  x = {};
  y = {};
  c = {};
  expected = {};
  file = {};  // collective close: every rank gets here, failed or not
  std::vector<std::string> failures;
  boost::mpi::all_gather(world, failure, failures);
  for (std::size_t r = 0; r < failures.size(); ++r)
    if (!failures[r].empty()) throw IoError(fmt::format("generate: rank {}: {}", r, failures[r]));
  if (output) output->commit();
  world.barrier();
}

}  // namespace tessera
