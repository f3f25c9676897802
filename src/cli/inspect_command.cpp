#include <fmt/format.h>

#include "commands.hpp"
#include "tessera/error.hpp"
#include "tessera/io/hdf5.hpp"

namespace tessera::cli {

int inspect_command(const boost::mpi::communicator& world, const std::string& file) {
  if (world.rank() != 0) return exit_code::ok;  // a read-only listing: one rank is enough
  try {
    hdf5::Handle f = hdf5::open_for_reading(file);
    fmt::print("{}\n", file);
    fmt::print("  {:<24} {:<20} {:<10} {}\n", "dataset", "shape", "type", "chunks");
    for (const auto& d : hdf5::list_datasets(f.id(), file)) {
      const std::string shape = d.dims.empty() ? "scalar" : fmt::format("{}", fmt::join(d.dims, " x "));
      const std::string chunks = d.chunk.empty() ? "contiguous" : fmt::format("{}", fmt::join(d.chunk, " x "));
      fmt::print("  {:<24} {:<20} {:<10} {}\n", d.name, shape, d.type, chunks);
    }
    return exit_code::ok;
  } catch (...) {
    return report_current_exception();
  }
}

}  // namespace tessera::cli
