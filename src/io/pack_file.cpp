#include "tessera/io/pack_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "tessera/error.hpp"

namespace tessera {
namespace {

constexpr char record_magic[4] = {'T', 'S', 'R', '1'};
constexpr std::size_t entry_bytes = 48;
constexpr std::size_t record_header_bytes = 4 + 16 + 8;

std::string join(const std::string& directory, const std::string& name) { return directory + "/" + name; }

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw IoError(path + ": " + what + ": " + std::strerror(errno));
}

void write_all_at(int fd, const char* data, std::size_t bytes, std::uint64_t offset, const std::string& path) {
  while (bytes > 0) {
    const ssize_t n = ::pwrite(fd, data, bytes, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("writing", path);
    }
    data += n;
    bytes -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
}

/// Bytes appended in the store's layout.
class Bytes {
 public:
  void add(std::uint64_t v) { append(&v, sizeof v); }
  void add(const TaskKey& k) {
    add(k.hi);
    add(k.lo);
  }
  void append(const void* p, std::size_t n) {
    if (n > 0) bytes_.append(static_cast<const char*>(p), n);
  }
  std::uint64_t checksum() const { return XXH3_64bits(bytes_.data(), bytes_.size()); }
  const std::string& str() const { return bytes_; }
  std::string& str() { return bytes_; }

 private:
  std::string bytes_;
};

/// Reads fixed-width fields off a byte range; false once it would run past the end.
class Reader {
 public:
  Reader(const char* data, std::size_t size) : data_(data), size_(size) {}
  bool get(void* out, std::size_t n) {
    if (size_ - pos_ < n) return false;
    if (n == 0) return true;  // an empty matrix has no storage to copy into
    std::memcpy(out, data_ + pos_, n);
    pos_ += n;
    return true;
  }
  bool get(std::uint64_t& v) { return get(&v, sizeof v); }
  std::size_t remaining() const { return size_ - pos_; }

 private:
  const char* data_;
  std::size_t size_, pos_ = 0;
};

}  // namespace

PackWriter::PackWriter(std::string directory, std::string name) : directory_(std::move(directory)), name_(std::move(name)) {
  const std::string pack = join(directory_, name_), index = pack + ".idx";
  pack_ = ::open(pack.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (pack_ < 0) fail("creating the checkpoint pack", pack);
  index_ = ::open(index.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (index_ < 0) {
    const int error = errno;
    ::close(pack_);
    ::unlink(pack.c_str());
    errno = error;
    fail("creating the checkpoint index", index);
  }
}

PackWriter::~PackWriter() {
  if (pack_ >= 0) ::close(pack_);
  if (index_ >= 0) ::close(index_);
}

void PackWriter::append(const TaskKey& key, const Value& value) {
  Bytes record;
  record.append(record_magic, sizeof record_magic);
  record.add(key);
  std::uint64_t payload = 8;
  for (const auto& b : value.blocks) payload += 16 + static_cast<std::uint64_t>(b.size()) * sizeof(double);
  record.add(payload);
  record.add(static_cast<std::uint64_t>(value.blocks.size()));
  for (const auto& b : value.blocks) {
    record.add(static_cast<std::uint64_t>(b.rows()));
    record.add(static_cast<std::uint64_t>(b.cols()));
    record.append(b.data(), static_cast<std::size_t>(b.size()) * sizeof(double));
  }
  const std::uint64_t checksum = record.checksum();
  record.add(checksum);
  write_all_at(pack_, record.str().data(), record.str().size(), end_, join(directory_, name_));
  unflushed_.push_back(PackEntry{key, PackLocation{name_, end_, record.str().size(), checksum}});
  end_ += record.str().size();
}

void PackWriter::flush() {
  if (unflushed_.empty()) return;
  if (::fdatasync(pack_) != 0) fail("flushing", join(directory_, name_));
  Bytes entries;
  for (const PackEntry& e : unflushed_) {
    Bytes entry;
    entry.add(e.key);
    entry.add(e.location.offset);
    entry.add(e.location.length);
    entry.add(e.location.checksum);
    entry.add(entry.checksum());
    entries.append(entry.str().data(), entry.str().size());
  }
  write_all_at(index_, entries.str().data(), entries.str().size(), index_end_, join(directory_, name_) + ".idx");
  index_end_ += entries.str().size();
  unflushed_.clear();
}

std::vector<PackEntry> read_pack_indexes(const std::string& directory, std::uint64_t* skipped) {
  std::vector<std::string> names;
  if (DIR* dir = ::opendir(directory.c_str())) {
    while (const dirent* d = ::readdir(dir)) {
      const std::string name = d->d_name;
      if (name.size() > 9 && name.compare(name.size() - 9, 9, ".pack.idx") == 0) names.push_back(name);
    }
    ::closedir(dir);
  } else {
    fail("listing", directory);
  }
  std::sort(names.begin(), names.end());
  std::vector<PackEntry> out;
  std::uint64_t bad = 0;
  for (const std::string& name : names) {
    const std::string path = join(directory, name);
    std::ifstream in(path, std::ios::binary);
    if (!in) fail("opening", path);
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) fail("reading", path);
    const std::string pack = name.substr(0, name.size() - 4);
    const std::size_t whole = data.size() / entry_bytes;
    if (data.size() % entry_bytes != 0) ++bad;  // a torn last entry
    for (std::size_t i = 0; i < whole; ++i) {
      const char* e = data.data() + i * entry_bytes;
      std::uint64_t check = 0;
      std::memcpy(&check, e + 40, 8);
      if (XXH3_64bits(e, 40) != check) {
        ++bad;
        continue;
      }
      PackEntry entry;
      Reader r(e, 40);
      r.get(entry.key.hi);
      r.get(entry.key.lo);
      entry.location.file = pack;
      r.get(entry.location.offset);
      r.get(entry.location.length);
      r.get(entry.location.checksum);
      out.push_back(std::move(entry));
    }
  }
  if (skipped) *skipped = bad;
  return out;
}

Value read_pack_record(const std::string& directory, const TaskKey& key, const PackLocation& location) {
  const std::string path = join(directory, location.file);
  const std::string where = path + " at byte " + std::to_string(location.offset);
  if (location.length < record_header_bytes + 16) throw IoError(where + ": not a record");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("opening", path);
  std::string data(location.length, '\0');
  std::size_t got = 0;
  while (got < data.size()) {
    const ssize_t n = ::pread(fd, data.data() + got, data.size() - got, static_cast<off_t>(location.offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      errno = error;
      fail("reading", path);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (got < data.size()) throw IoError(where + ": the record is truncated (" + std::to_string(got) + " of " +
                                       std::to_string(data.size()) + " bytes)");
  std::uint64_t stored_checksum = 0;
  std::memcpy(&stored_checksum, data.data() + data.size() - 8, 8);
  const std::uint64_t actual = XXH3_64bits(data.data(), data.size() - 8);
  if (actual != stored_checksum || actual != location.checksum) throw IoError(where + ": the record fails its checksum");
  Reader r(data.data(), data.size() - 8);
  char magic[4];
  TaskKey stored_key;
  std::uint64_t payload = 0, blocks = 0;
  if (!r.get(magic, 4) || std::memcmp(magic, record_magic, 4) != 0 || !r.get(stored_key.hi) || !r.get(stored_key.lo) ||
      !r.get(payload) || payload != r.remaining() || !r.get(blocks))
    throw IoError(where + ": not a record");
  if (stored_key != key) throw IoError(where + ": the record holds another result (" + stored_key.hex() + ")");
  Value value;
  for (std::uint64_t b = 0; b < blocks; ++b) {
    std::uint64_t rows = 0, cols = 0;
    if (!r.get(rows) || !r.get(cols) || (cols != 0 && rows > r.remaining() / sizeof(double) / cols))
      throw IoError(where + ": not a record");
    Eigen::MatrixXd m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    r.get(m.data(), static_cast<std::size_t>(m.size()) * sizeof(double));
    value.blocks.push_back(std::move(m));
  }
  if (r.remaining() != 0) throw IoError(where + ": not a record");
  return value;
}

}  // namespace tessera
