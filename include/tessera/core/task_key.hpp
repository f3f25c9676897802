#pragma once
/// @file
/// The name of a task and of its result: a 128-bit content hash (graph/task.hpp computes it), the
/// same on every rank and in every run, so a checkpoint store can find a result by it.
#include <compare>
#include <cstdint>
#include <string>

namespace tessera {

/// 128-bit content hash naming a task and its result.
struct TaskKey {
  std::uint64_t hi = 0, lo = 0;
  auto operator<=>(const TaskKey&) const = default;
  /// 32 hex digits.
  std::string hex() const;
  /// Parses what hex() printed; throws InputError otherwise.
  static TaskKey from_hex(const std::string& text);
  /// A key chosen by name rather than by content (for hand-made graphs and tests).
  static TaskKey named(const std::string& name);
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & hi & lo;
  }
};

struct TaskKeyHash {
  std::size_t operator()(const TaskKey& k) const noexcept { return static_cast<std::size_t>(k.lo ^ (k.hi * 0x9E3779B97F4A7C15ull)); }
};

}  // namespace tessera
