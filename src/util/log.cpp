#include "tessera/util/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace tessera {

void init_logging(int rank, bool verbose) {
  auto logger = spdlog::stderr_logger_st("tessera");
  logger->set_pattern("tessera: %^%l%$: %v");
  logger->set_level(rank == 0 ? (verbose ? spdlog::level::debug : spdlog::level::info) : spdlog::level::off);
  spdlog::set_default_logger(logger);
}

}  // namespace tessera
