#pragma once
/// @file
/// The one checked wrapper every MPI call goes through.

namespace tessera {

/// Throws CommError naming `what` and MPI's own message when `rc` is not MPI_SUCCESS (the
/// runtime's communicators return errors instead of aborting).
void mpi_check(int rc, const char* what);

}  // namespace tessera
