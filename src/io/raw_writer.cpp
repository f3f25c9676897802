#include "tessera/io/raw_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "tessera/error.hpp"

namespace tessera {

RawWriter::RawWriter(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd_ < 0) throw IoError(fmt::format("{}: cannot open for writing: {}", path_, std::strerror(errno)));
}

RawWriter::~RawWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void RawWriter::write_at(std::uint64_t offset, const void* data, std::size_t bytes) {
  const auto* p = static_cast<const char*>(data);
  auto at = static_cast<off_t>(offset);
  while (bytes > 0) {
    const ssize_t n = ::pwrite(fd_, p, bytes, at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int reason = n < 0 ? errno : ENOSPC;  // a write of nothing: the disk is full
      throw IoError(fmt::format("{}: writing {} bytes at offset {} failed: {}", path_, bytes, at, std::strerror(reason)));
    }
    p += n;
    bytes -= static_cast<std::size_t>(n);
    at += n;
  }
}

void RawWriter::finish() {
  // Flushed before success is reported: the file is renamed into place once every writer has
  // finished, and on a shared file system only the writing node can flush its own pages.
  const int synced = ::fdatasync(fd_) == 0 ? 0 : errno;
  const int closed = ::close(fd_) == 0 ? 0 : errno;
  fd_ = -1;
  if (synced || closed) throw IoError(fmt::format("{}: flushing to disk failed: {}", path_, std::strerror(synced ? synced : closed)));
}

}  // namespace tessera
