#pragma once
/// @file
/// Kernels by name. Every rank builds the same registry at start-up, so a task message names its
/// kernel and any rank can run it.
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tessera/core/params.hpp"
#include "tessera/core/value.hpp"

namespace tessera {

/// What a kernel sees: its parameters, its inputs' values (in the task's input order), its rank.
struct KernelContext {
  const Params& params;
  const std::vector<ValuePtr>& inputs;
  int rank = 0;
  const Value& input(std::size_t i) const { return *inputs.at(i); }
};

using Kernel = std::function<Value(const KernelContext&)>;

/// Which of a worker's threads runs a kernel. Reading the next chunk on the io lane while the
/// compute lane works on the last one hides most of the read time.
enum class Lane : int { compute = 0, io = 1 };
inline constexpr int lane_count = 2;

class KernelRegistry {
 public:
  /// `checkpoint`: its results are worth keeping in a checkpoint store (runtime/checkpoint.hpp).
  void add(const std::string& name, Kernel kernel, Lane lane = Lane::compute, bool checkpoint = false);
  /// Throws Error naming the kernel when it is not registered.
  const Kernel& find(const std::string& name) const;
  /// The lane a kernel runs on (compute for unknown kernels, which then fail when run).
  Lane lane(const std::string& name) const;
  bool contains(const std::string& name) const { return kernels_.count(name) != 0; }
  /// False for unknown kernels.
  bool checkpointed(const std::string& name) const;

 private:
  struct Entry {
    Kernel kernel;
    Lane lane;
    bool checkpoint;
  };
  std::unordered_map<std::string, Entry> kernels_;
};

}  // namespace tessera
