#include "tessera/io/generate.hpp"

#include <boost/mpi/collectives.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/io/hdf5.hpp"
#include "tessera/io/output_file.hpp"
#include "tessera/io/raw_writer.hpp"
#include "tessera/core/interrupt.hpp"
#include "tessera/core/splitmix.hpp"

namespace tessera {
namespace {

/// HDF5 stores a chunk in at most 4 GiB.
constexpr std::uint64_t max_chunk_bytes = (std::uint64_t{1} << 32) - 1;
/// Files larger than this (2^62 bytes, 4 EiB) are refused as a typo, whatever the disk.
constexpr std::uint64_t max_file_bytes = std::uint64_t{1} << 62;

std::uint64_t counter_bits(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter) {
  return splitmix64(splitmix64(splitmix64(seed) ^ stream) ^ counter);
}

/// The chunk size in rows: the one asked for, or 65,536 rows cut to what fits HDF5's chunk limit.
std::uint64_t chunk_rows_of(const GenerateOptions& o) {
  const auto rows = static_cast<std::uint64_t>(o.rows), cols = static_cast<std::uint64_t>(o.cols);
  const std::uint64_t widest = std::max<std::uint64_t>(1, max_chunk_bytes / (cols * sizeof(double)));
  if (o.chunk_rows) {
    const auto asked = static_cast<std::uint64_t>(*o.chunk_rows);
    if (asked > widest)
      throw InputError(fmt::format("generate: --chunk-rows {} x --cols {} exceeds HDF5's 4 GiB chunk limit; use --chunk-rows {} or fewer",
                                   asked, cols, widest));
    return std::min(asked, rows);
  }
  return std::min({std::uint64_t{65536}, widest, rows});
}

void check_options(const GenerateOptions& o) {
  if (o.kind != "regression" && o.kind != "classification")
    throw InputError("generate: unknown kind '" + o.kind + "' (regression or classification)");
  if (o.rows <= 0) throw InputError(fmt::format("generate: --rows must be positive, got {}", o.rows));
  if (o.cols <= 0) throw InputError(fmt::format("generate: --cols must be positive, got {}", o.cols));
  if (o.chunk_rows && *o.chunk_rows <= 0) throw InputError(fmt::format("generate: --chunk-rows must be positive, got {}", *o.chunk_rows));
  if (!(o.noise >= 0) || !std::isfinite(o.noise)) throw InputError(fmt::format("generate: --noise must be >= 0, got {}", o.noise));
  // (rows x cols + 2 rows + cols) doubles, without overflowing on the way.
  std::uint64_t values = 0, bytes = 0;
  const auto rows = static_cast<std::uint64_t>(o.rows), cols = static_cast<std::uint64_t>(o.cols);
  if (__builtin_mul_overflow(rows, cols, &values) || __builtin_add_overflow(values, 2 * rows + cols, &values) ||
      __builtin_mul_overflow(values, sizeof(double), &bytes) || bytes > max_file_bytes)
    throw InputError(fmt::format("generate: {} rows x {} columns is more than {} bytes; check --rows and --cols", o.rows, o.cols,
                                 max_file_bytes));
  chunk_rows_of(o);
}

/// coef_true: N(0, 1) per feature, rounded to 1/16 so a reader can recognise them.
std::vector<double> true_coefficients(const GenerateOptions& o) {
  std::vector<double> coef(static_cast<std::size_t>(o.cols));
  for (std::int64_t j = 0; j < o.cols; ++j)
    coef[static_cast<std::size_t>(j)] = std::round(16 * counter_normal(o.seed, 1, static_cast<std::uint64_t>(j))) / 16;
  return coef;
}

/// Where each chunk's bytes go: the file rank 0 laid out, and per chunk the byte offsets of its
/// X, y and expected_y storage.
struct Layout {
  std::string path;
  std::uint64_t chunk_rows = 0;
  std::vector<std::uint64_t> x, y, expected;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & path & chunk_rows & x & y & expected;
  }
};

/// A chunked float64 dataset whose chunks are all allocated now and never filled by HDF5; returns
/// each chunk's byte offset in the file.
std::vector<std::uint64_t> allocate_chunked(hid_t file, const char* name, int rank, const hsize_t* dims, const hsize_t* chunk,
                                            std::uint64_t chunks) {
  hdf5::Handle dcpl(hdf5::check(H5Pcreate(H5P_DATASET_CREATE), "dataset properties"));
  hdf5::check_status(H5Pset_chunk(dcpl.id(), rank, chunk), std::string("chunking ") + name);
  hdf5::check_status(H5Pset_alloc_time(dcpl.id(), H5D_ALLOC_TIME_EARLY), std::string("allocating ") + name);
  hdf5::check_status(H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_NEVER), std::string("fill time ") + name);
  // No modification times in the object headers: the file's bytes depend on the data alone.
  hdf5::check_status(H5Pset_obj_track_times(dcpl.id(), false), std::string("time tracking ") + name);
  hdf5::Handle space(hdf5::check(H5Screate_simple(rank, dims, nullptr), std::string("dataspace ") + name));
  hdf5::Handle d(hdf5::check(H5Dcreate2(file, name, H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                             std::string("creating ") + name));
  std::vector<std::uint64_t> offsets(chunks);
  for (std::uint64_t k = 0; k < chunks; ++k) {
    const hsize_t at[2] = {k * chunk[0], 0};
    unsigned filters = 0;
    haddr_t address = HADDR_UNDEF;
    hsize_t bytes = 0;
    hdf5::check_status(H5Dget_chunk_info_by_coord(d.id(), at, &filters, &address, &bytes), std::string("chunk of ") + name);
    if (address == HADDR_UNDEF) throw IoError(std::string("generate: chunk of ") + name + " has no storage");
    offsets[k] = address;
  }
  return offsets;
}

Layout lay_out(OutputFile& output, const GenerateOptions& o, const std::vector<double>& coef) {
  Layout layout{output.temp_path(), chunk_rows_of(o), {}, {}, {}};
  const auto rows = static_cast<hsize_t>(o.rows), cols = static_cast<hsize_t>(o.cols);
  const hsize_t chunks = (rows + layout.chunk_rows - 1) / layout.chunk_rows;
  const hsize_t x_dims[2] = {rows, cols}, x_chunk[2] = {layout.chunk_rows, cols};
  const hsize_t y_dims[1] = {rows}, y_chunk[1] = {layout.chunk_rows}, c_dims[1] = {cols};
  const hid_t file = output.hdf5();
  layout.x = allocate_chunked(file, "X", 2, x_dims, x_chunk, chunks);
  layout.y = allocate_chunked(file, "y", 1, y_dims, y_chunk, chunks);
  // E[y | x]: Xβ, or the probability of class 1 — the best possible predictions, for `evaluate`.
  layout.expected = allocate_chunked(file, "expected_y", 1, y_dims, y_chunk, chunks);
  {
    hdf5::Handle dcpl(hdf5::check(H5Pcreate(H5P_DATASET_CREATE), "dataset properties"));
    hdf5::check_status(H5Pset_obj_track_times(dcpl.id(), false), "time tracking coef_true");
    hdf5::Handle space(hdf5::check(H5Screate_simple(1, c_dims, nullptr), "dataspace coef_true"));
    hdf5::Handle c(hdf5::check(H5Dcreate2(file, "coef_true", H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                               "creating coef_true"));
    hdf5::check_status(H5Dwrite(c.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, coef.data()), "writing coef_true");
  }
  output.close();  // the metadata is written, and the chunks' space reserved on disk
  return layout;
}

/// This rank's chunks: a contiguous run, so each rank writes one region of each dataset.
void write_chunks(const Layout& layout, const GenerateOptions& o, const std::vector<double>& coef, int rank, int size) {
  const auto rows = static_cast<std::uint64_t>(o.rows), cols = static_cast<std::uint64_t>(o.cols);
  const std::uint64_t chunks = layout.x.size();
  const std::uint64_t first = chunks * static_cast<std::uint64_t>(rank) / static_cast<std::uint64_t>(size);
  const std::uint64_t last = chunks * static_cast<std::uint64_t>(rank + 1) / static_cast<std::uint64_t>(size);
  RawWriter out(layout.path);
  std::vector<double> xbuf, ybuf, ebuf;
  for (std::uint64_t k = first; k < last; ++k) {
    throw_if_interrupted();
    const std::uint64_t begin = k * layout.chunk_rows, n = std::min(rows, begin + layout.chunk_rows) - begin;
    xbuf.resize(n * cols);
    ybuf.resize(n);
    ebuf.resize(n);
    const std::uint64_t row0 = begin + static_cast<std::uint64_t>(o.first_row);  // in the seed's sequence
    for (std::uint64_t i = 0; i < n; ++i) {
      double linear = 0;
      for (std::uint64_t j = 0; j < cols; ++j) {
        const double v = counter_normal(o.seed, 0, (row0 + i) * cols + j);
        xbuf[i * cols + j] = v;
        linear += v * coef[j];
      }
      if (o.kind == "regression") {
        ebuf[i] = linear;
        ybuf[i] = linear + o.noise * counter_normal(o.seed, 2, row0 + i);
      } else {
        ebuf[i] = 1.0 / (1.0 + std::exp(-linear));
        ybuf[i] = counter_uniform(o.seed, 3, row0 + i) < ebuf[i] ? 1.0 : 0.0;
      }
    }
    // An uncompressed chunk is its elements in row-major order; a last, shorter chunk holds its
    // rows first (the rest of its storage lies past the dataset's end and is never read).
    out.write_at(layout.x[k], xbuf.data(), xbuf.size() * sizeof(double));
    out.write_at(layout.y[k], ybuf.data(), ybuf.size() * sizeof(double));
    out.write_at(layout.expected[k], ebuf.data(), ebuf.size() * sizeof(double));
  }
  out.finish();
}

/// What went wrong on one rank: (exit-code class, message); code 0 for nothing.
using Verdict = std::pair<int, std::string>;

Verdict verdict_of_current_exception() {
  try {
    throw;
  } catch (const InputError& e) {
    return {exit_code::bad_input, e.what()};
  } catch (const Interrupted& e) {
    return {exit_code::signalled(e.signal()), e.what()};
  } catch (const std::exception& e) {
    return {exit_code::failure, e.what()};
  }
}

/// Every rank learns every rank's verdict; all throw the first failure's, so none waits for another.
void agree(const boost::mpi::communicator& world, const Verdict& mine) {
  std::vector<Verdict> all;
  boost::mpi::all_gather(world, mine, all);
  for (std::size_t r = 0; r < all.size(); ++r) {
    const auto& [code, message] = all[r];
    if (code == 0) continue;
    const std::string text = world.size() > 1 && code == exit_code::failure ? fmt::format("generate: rank {}: {}", r, message) : message;
    if (code == exit_code::bad_input) throw InputError(text);
    if (code > exit_code::bad_input) throw Interrupted(code - 128);
    throw IoError(text);
  }
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
  check_options(o);  // the same options on every rank: the same verdict without a word exchanged
  const std::vector<double> coef = true_coefficients(o);
  std::unique_ptr<OutputFile> output;  // rank 0's
  Layout layout;
  Verdict verdict{0, ""};
  if (world.rank() == 0) {
    try {
      output = std::make_unique<OutputFile>(o.output, o.overwrite);
      layout = lay_out(*output, o, coef);
    } catch (...) {
      verdict = verdict_of_current_exception();
    }
  }
  boost::mpi::broadcast(world, verdict, 0);
  if (verdict.first != 0) {
    output.reset();  // removes the temporary file before anyone reports
    agree(world, verdict);
  }
  boost::mpi::broadcast(world, layout, 0);

  try {
    write_chunks(layout, o, coef, world.rank(), world.size());
  } catch (...) {
    verdict = verdict_of_current_exception();
  }
  try {
    agree(world, verdict);
  } catch (...) {
    output.reset();
    throw;
  }

  verdict = {0, ""};
  if (output) {
    try {
      output->commit();
    } catch (...) {
      verdict = verdict_of_current_exception();
    }
  }
  boost::mpi::broadcast(world, verdict, 0);
  agree(world, verdict);
}

}  // namespace tessera
