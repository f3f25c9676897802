#include "tessera/core/task_key.hpp"

#include <xxhash.h>

#include <fmt/format.h>

#include "tessera/error.hpp"

namespace tessera {

std::string TaskKey::hex() const { return fmt::format("{:016x}{:016x}", hi, lo); }

TaskKey TaskKey::from_hex(const std::string& text) {
  if (text.size() != 32 || text.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw InputError("not a task key (32 hex digits): '" + text + "'");
  return TaskKey{std::stoull(text.substr(0, 16), nullptr, 16), std::stoull(text.substr(16), nullptr, 16)};
}

TaskKey TaskKey::named(const std::string& name) {
  const std::string text = "named:" + name;
  const XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  return TaskKey{h.high64, h.low64};
}

}  // namespace tessera
