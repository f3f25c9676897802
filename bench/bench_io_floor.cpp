// The IO floor: one process reading X and y of an HDF5 file, chunk by chunk, into contiguous
// buffers — the least any job over that file can cost. With --gram it also computes XᵀX and Xᵀy
// of each chunk with the same BLAS call the gram kernel makes: the serial cost of the whole job,
// with no runtime at all. Prints one JSON line.
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tessera/io/hdf5.hpp"
#include "tessera/kernels/blas.hpp"
#include "tessera/kernels/gram.hpp"
#include "tessera/plan/chunk_advice.hpp"
#include "tessera/plan/data_source.hpp"

int main(int argc, char** argv) {
  using namespace tessera;
  const bool gram = argc > 2 && std::string(argv[argc - 1]) == "--gram";
  if (gram) --argc;
  if (argc < 2) {
    std::cerr << "usage: bench_io_floor FILE.h5 [chunk_rows] [--gram]\n";
    return 2;
  }
  blas::use_one_thread();
  hdf5::silence_errors_on_this_thread();
  const auto start = std::chrono::steady_clock::now();
  const MatrixSource x = open_source(argv[1], "X", 2);
  const std::int64_t chunk_rows = argc > 2 ? std::stoll(argv[2]) : file_chunk_rows(x);
  hdf5::Handle file = hdf5::open_for_reading(argv[1]);
  std::vector<double> xbuf, ybuf;
  double checksum = 0;
  Eigen::MatrixXd total = Eigen::MatrixXd::Zero(x.cols + 1, x.cols + 1);
  for (const RowChunk& c : row_chunks(x.rows, chunk_rows)) {
    xbuf.resize(static_cast<std::size_t>((c.end - c.begin) * x.cols));
    ybuf.resize(static_cast<std::size_t>(c.end - c.begin));
    hdf5::read_rows(file.id(), "X", static_cast<std::uint64_t>(c.begin), static_cast<std::uint64_t>(c.end), xbuf.data());
    hdf5::read_rows(file.id(), "y", static_cast<std::uint64_t>(c.begin), static_cast<std::uint64_t>(c.end), ybuf.data());
    checksum += xbuf.front() + ybuf.back();  // keep the reads observable
    if (gram)  // the same arithmetic as the gram kernel, without the runtime
      total += augmented_gram(Eigen::Map<const Eigen::MatrixXd>(xbuf.data(), x.cols, c.end - c.begin),
                              Eigen::Map<const Eigen::MatrixXd>(ybuf.data(), 1, c.end - c.begin), false);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << nlohmann::json{{"bench", gram ? "serial_gram" : "io_floor"}, {"file", argv[1]}, {"rows", x.rows}, {"cols", x.cols},
                              {"seconds", seconds}, {"checksum", checksum + total(0, 0)}}
                   .dump()
            << std::endl;
}
