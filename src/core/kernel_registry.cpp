#include "tessera/core/kernel_registry.hpp"

#include "tessera/error.hpp"

namespace tessera {

void KernelRegistry::add(const std::string& name, Kernel kernel, Lane lane, bool checkpoint) {
  if (!kernels_.emplace(name, Entry{std::move(kernel), lane, checkpoint}).second) throw Error("kernel '" + name + "' registered twice");
}

Lane KernelRegistry::lane(const std::string& name) const {
  const auto it = kernels_.find(name);
  return it == kernels_.end() ? Lane::compute : it->second.lane;
}

bool KernelRegistry::checkpointed(const std::string& name) const {
  const auto it = kernels_.find(name);
  return it != kernels_.end() && it->second.checkpoint;
}

const Kernel& KernelRegistry::find(const std::string& name) const {
  const auto it = kernels_.find(name);
  if (it == kernels_.end()) throw Error("no kernel named '" + name + "' is registered");
  return it->second.kernel;
}

}  // namespace tessera
