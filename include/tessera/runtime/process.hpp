#pragma once
/// @file
/// What every tessera process does around its work, in this order: keep freed memory for reuse,
/// start HDF5 (before MPI: see below) with its error printing off, start MPI with
/// MPI_THREAD_FUNNELED; and at the end close cached files, shut HDF5 down if no file is left
/// open, flush, and finalise MPI. The `tessera` binary and the MPI test runner share it.
///
/// HDF5 starts before MPI so that parallel HDF5 does not tie its own shutdown to MPI_Finalize:
/// after a failed write (a full disk) HDF5 keeps a half-closed file whose shutdown would crash
/// the process after its error was reported.
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <memory>

namespace tessera {

class Process {
 public:
  Process(int& argc, char**& argv);
  /// Finalises MPI (see the file comment).
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  const boost::mpi::communicator& world() const { return world_; }

 private:
  std::unique_ptr<boost::mpi::environment> environment_;
  boost::mpi::communicator world_;
};

}  // namespace tessera
