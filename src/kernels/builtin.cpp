#include "tessera/kernels/builtin.hpp"

namespace tessera {

void register_io_kernels(KernelRegistry& registry);
void register_linalg_kernels(KernelRegistry& registry);

void register_builtin_kernels(KernelRegistry& registry) {
  register_io_kernels(registry);
  register_linalg_kernels(registry);
}

}  // namespace tessera
