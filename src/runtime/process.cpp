#include "tessera/runtime/process.hpp"

#include <hdf5.h>

#include <cstdio>
#include <iostream>

#include "tessera/io/hdf5.hpp"
#include "tessera/runtime/memory.hpp"

namespace tessera {
namespace {
/// Runs before the members: memory settings and HDF5 first, MPI after them.
std::unique_ptr<boost::mpi::environment> start(int& argc, char**& argv) {
  keep_freed_memory_for_reuse();
  H5open();
  hdf5::silence_errors_on_this_thread();
  return std::make_unique<boost::mpi::environment>(argc, argv, boost::mpi::threading::funneled);
}
}  // namespace

Process::Process(int& argc, char**& argv) : environment_(start(argc, argv)) {}

Process::~Process() {
  hdf5::close_cached_files();
  if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0) H5close();
  std::cout.flush();
  std::fflush(nullptr);
  environment_.reset();  // MPI_Finalize
}

}  // namespace tessera
