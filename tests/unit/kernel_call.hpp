#pragma once
// Calls a builtin kernel directly, in this process, as a worker's task runner would.
#include "tessera/kernels/builtin.hpp"

namespace tessera::testing {

inline const KernelRegistry& builtin_kernels() {
  static const KernelRegistry registry = [] {
    KernelRegistry r;
    register_builtin_kernels(r);
    return r;
  }();
  return registry;
}

inline Value call_kernel(const std::string& kernel, const std::vector<ValuePtr>& inputs, const Params& params = {}) {
  return builtin_kernels().find(kernel)(KernelContext{params, inputs, 0});
}

}  // namespace tessera::testing
