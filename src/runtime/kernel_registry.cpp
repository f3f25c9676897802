#include "tessera/runtime/kernel_registry.hpp"

#include "tessera/error.hpp"

namespace tessera {

void KernelRegistry::add(const std::string& name, Kernel kernel) {
  if (!kernels_.emplace(name, std::move(kernel)).second) throw Error("kernel '" + name + "' registered twice");
}

const Kernel& KernelRegistry::find(const std::string& name) const {
  const auto it = kernels_.find(name);
  if (it == kernels_.end()) throw Error("no kernel named '" + name + "' is registered");
  return it->second;
}

}  // namespace tessera
