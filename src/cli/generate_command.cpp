#include <chrono>

#include "commands.hpp"
#include "tessera/error.hpp"
#include "tessera/runtime/cluster.hpp"
#include "tessera/core/log.hpp"

namespace tessera::cli {

int generate_command(const boost::mpi::communicator& world, const GenerateOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  try {
    generate(world, options);
  } catch (...) {
    // Every rank sees the same failure (generate agrees on it collectively); rank 0 says it.
    if (world.rank() == 0) return report_current_exception();
    return exit_code_for_current_exception();
  }
  spdlog::info("wrote {} ({} x {} {}, {:.2f} s on {} ranks)", options.output, options.rows, options.cols, options.kind,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), world.size());
  return exit_code::ok;
}

}  // namespace tessera::cli
