#include "tessera/graph/task.hpp"

#include <xxhash.h>

#include <cstring>

#include <fmt/format.h>

#include "tessera/error.hpp"

namespace tessera {
namespace {

/// Appends fixed-width fields to a byte string, so the hash input is unambiguous.
class CanonicalBytes {
 public:
  void add(std::uint64_t v) { bytes_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void add(double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    add(bits);
  }
  void add(const std::string& s) {
    add(static_cast<std::uint64_t>(s.size()));
    bytes_ += s;
  }
  TaskKey hash() const {
    const XXH128_hash_t h = XXH3_128bits(bytes_.data(), bytes_.size());
    return TaskKey{h.high64, h.low64};
  }

 private:
  std::string bytes_;
};

}  // namespace

TaskKey Task::key() const {
  CanonicalBytes bytes;
  bytes.add(kernel);
  bytes.add(static_cast<std::uint64_t>(version));
  bytes.add(static_cast<std::uint64_t>(params.values().size()));
  for (const auto& [name, value] : params.values()) {
    bytes.add(name);
    bytes.add(static_cast<std::uint64_t>(value.index()));
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::int64_t>) {
            bytes.add(static_cast<std::uint64_t>(v));
          } else if constexpr (std::is_same_v<T, std::vector<double>>) {
            bytes.add(static_cast<std::uint64_t>(v.size()));
            for (double x : v) bytes.add(x);
          } else {
            bytes.add(v);
          }
        },
        value);
  }
  bytes.add(static_cast<std::uint64_t>(inputs.size()));
  for (const TaskKey& in : inputs) {
    bytes.add(in.hi);
    bytes.add(in.lo);
  }
  return bytes.hash();
}

std::string short_name(const std::string& kernel, const TaskKey& key) {
  return fmt::format("{}-{:08x}", kernel, key.hi >> 32);
}

}  // namespace tessera
