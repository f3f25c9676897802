#include "tessera/core/kernel_registry.hpp"

#include "tessera/error.hpp"

namespace tessera {

void KernelRegistry::add(const std::string& name, Kernel kernel, Lane lane) {
  if (!kernels_.emplace(name, Entry{std::move(kernel), lane}).second) throw Error("kernel '" + name + "' registered twice");
}

Lane KernelRegistry::lane(const std::string& name) const {
  const auto it = kernels_.find(name);
  return it == kernels_.end() ? Lane::compute : it->second.lane;
}

const Kernel& KernelRegistry::find(const std::string& name) const {
  const auto it = kernels_.find(name);
  if (it == kernels_.end()) throw Error("no kernel named '" + name + "' is registered");
  return it->second.kernel;
}

}  // namespace tessera
