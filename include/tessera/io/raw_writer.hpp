#pragma once
/// @file
/// Writes bytes at given offsets of an existing file with pwrite, checking every call, and
/// flushes them to disk before it reports success: how workers fill the datasets rank 0
/// allocated (generate's chunks, dot's and predict's row blocks) without going through HDF5.
#include <cstddef>
#include <cstdint>
#include <string>

namespace tessera {

class RawWriter {
 public:
  /// Opens `path` for writing (it must exist). IoError naming it otherwise.
  explicit RawWriter(std::string path);
  ~RawWriter();
  RawWriter(const RawWriter&) = delete;
  RawWriter& operator=(const RawWriter&) = delete;

  /// Writes all `bytes` at `offset`; IoError with the system's reason (No space left on device).
  void write_at(std::uint64_t offset, const void* data, std::size_t bytes);
  /// fdatasync and close; IoError if either fails. Unfinished writers just close.
  void finish();

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace tessera
