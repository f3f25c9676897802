#pragma once
/// @file
/// Logging: spdlog to stderr, rank 0 only (workers stay quiet), lines prefixed "tessera: ".
#include <spdlog/spdlog.h>

namespace tessera {

enum class LogLevel { quiet, normal, verbose };

/// Sets up the default logger for this rank: `quiet` shows warnings and errors only, `verbose`
/// adds debug lines.
void init_logging(int rank, LogLevel level = LogLevel::normal);

}  // namespace tessera
