#include "tessera/core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace tessera {

void init_logging(int rank, LogLevel level) {
  auto logger = spdlog::stderr_logger_st("tessera");
  logger->set_pattern("tessera: %^%l%$: %v");
  const auto shown = level == LogLevel::verbose ? spdlog::level::debug : level == LogLevel::quiet ? spdlog::level::warn : spdlog::level::info;
  logger->set_level(rank == 0 ? shown : spdlog::level::off);
  spdlog::set_default_logger(logger);
}

}  // namespace tessera
