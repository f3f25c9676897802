#pragma once
/// @file
/// The kernels every rank registers at start-up. Each family's contracts (name, parameters,
/// result layout) are in its header: kernels/io.hpp, linalg.hpp, least_squares.hpp,
/// cross_validation.hpp, logistic.hpp, metrics.hpp.
#include "tessera/core/kernel_registry.hpp"

namespace tessera {

void register_builtin_kernels(KernelRegistry& registry);

}  // namespace tessera
