#include "tessera/runtime/mpi_check.hpp"

#include <mpi.h>

#include <string>

#include "tessera/error.hpp"

namespace tessera {

void mpi_check(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(rc, text, &length);
  throw CommError(std::string(what) + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

}  // namespace tessera
