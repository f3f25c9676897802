#pragma once
/// @file
/// What `tessera --version` prints: tessera's version and the libraries it was built with.
#include <string>

namespace tessera {

/// "0.2.0"
const char* version();
/// "tessera 0.2.0 (Open MPI 4.1.4, HDF5 1.10.8, Eigen 3.4.0, Boost 1.74)"
std::string version_line();

}  // namespace tessera
