#include <iostream>

#include "commands.hpp"
#include "tessera/error.hpp"
#include "tessera/jobs/job_type.hpp"

namespace tessera::cli {

int keys_command(const boost::mpi::communicator& world) {
  if (world.rank() == 0) std::cout << model_keys_markdown() << std::flush;
  return exit_code::ok;
}

}  // namespace tessera::cli
