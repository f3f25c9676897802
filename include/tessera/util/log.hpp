#pragma once
/// @file
/// Logging: spdlog to stderr, rank 0 only (workers stay quiet), lines prefixed "tessera: ".
#include <spdlog/spdlog.h>

namespace tessera {

/// Sets up the default logger for this rank. `verbose` shows debug lines.
void init_logging(int rank, bool verbose = false);

}  // namespace tessera
