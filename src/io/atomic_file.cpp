#include "tessera/io/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "tessera/error.hpp"

namespace tessera {
namespace fs = std::filesystem;
namespace {

constexpr const char* temp_marker = ".tmp-";

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  return name;
}

fs::path directory_of(const fs::path& path) { return path.has_parent_path() ? path.parent_path() : fs::path("."); }

std::string errno_text() { return std::strerror(errno); }

/// rename(2) that never replaces an existing file: renameat2(RENAME_NOREPLACE), or on file systems
/// without it (NFS) a hard link, which fails atomically when the name exists, and an unlink.
/// Returns false when `to` exists; throws IoError on any other failure.
bool rename_no_replace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno == EEXIST) return false;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    throw IoError(fmt::format("renaming {} to {}: {}", from, to, errno_text()));
  if (::link(from.c_str(), to.c_str()) != 0) {
    if (errno == EEXIST) return false;
    throw IoError(fmt::format("linking {} to {}: {}", from, to, errno_text()));
  }
  ::unlink(from.c_str());
  return true;
}

/// "dir/out.h5" -> "dir/out.kept-PID.h5": where a result goes when its name was taken meanwhile.
std::string kept_name(const std::string& final_path) {
  const fs::path p(final_path);
  return (directory_of(p) / fmt::format("{}.kept-{}{}", p.stem().string(), ::getpid(), p.extension().string())).string();
}

/// True when no process `pid` runs: none exists, or it has exited and awaits its parent (a
/// zombie, state Z in /proc: after a kill, until whoever started it reaps it).
bool process_is_gone(long pid) {
  if (pid <= 0) return false;
  if (::kill(static_cast<pid_t>(pid), 0) != 0) return errno == ESRCH;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');  // "pid (command name) state ..."; the name may hold spaces
  return paren != std::string::npos && paren + 2 < text.size() && (text[paren + 2] == 'Z' || text[paren + 2] == 'X');
}

}  // namespace

void check_output_path(const std::string& path_text, bool overwrite) {
  if (path_text.empty()) throw InputError("the output path is empty");
  if (path_text.back() == '/') throw InputError(path_text + ": the output path names a directory; give a file name");
  const fs::path path(path_text);
  const fs::path dir = directory_of(path);
  std::error_code ec;
  const fs::file_status dir_status = fs::status(dir, ec);
  if (!fs::exists(dir_status)) throw InputError(path_text + ": output directory " + dir.string() + " does not exist");
  if (!fs::is_directory(dir_status)) throw InputError(path_text + ": " + dir.string() + " is not a directory");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw InputError(fmt::format("{}: cannot write in output directory {} ({})", path_text, dir.string(), errno_text()));
  const fs::file_status status = fs::symlink_status(path, ec);
  if (fs::is_directory(fs::status(path, ec))) throw InputError(path_text + ": the output path is a directory; give a file name");
  if (fs::exists(status)) {
    if (!overwrite) throw InputError(path_text + ": output file exists (set [output] overwrite = true to replace it)");
    if (!fs::is_regular_file(fs::status(path, ec)) && !fs::is_symlink(status))
      throw InputError(path_text + ": exists and is not a regular file; it will not be replaced");
  }
}

std::string temporary_name_for(const std::string& final_path) {
  const fs::path path(final_path);
  return (directory_of(path) / fmt::format(".{}{}{}-{}", path.filename().string(), temp_marker, host_name(), ::getpid())).string();
}

std::string final_name_of(const std::string& path_text) {
  const fs::path path(path_text);
  const std::string name = path.filename().string();
  const auto marker = name.rfind(temp_marker);
  if (name.size() < 2 || name[0] != '.' || marker == std::string::npos || marker < 2) return path_text;
  const fs::path final_name = name.substr(1, marker - 1);
  return path.has_parent_path() ? (path.parent_path() / final_name).string() : final_name.string();
}

int remove_stale_temporaries(const std::string& directory) {
  const std::string host = host_name();
  int removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const auto marker = name.rfind(temp_marker);
    const auto dash = name.rfind('-');
    if (name.empty() || name[0] != '.' || marker == std::string::npos || dash == std::string::npos || dash <= marker) continue;
    const std::string their_host = name.substr(marker + std::strlen(temp_marker), dash - marker - std::strlen(temp_marker));
    const std::string pid_text = name.substr(dash + 1);
    if (their_host != host || pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    if (pid_text.size() > 9 || !process_is_gone(std::stol(pid_text))) continue;
    std::error_code remove_ec;
    if (it->is_regular_file(remove_ec) && fs::remove(it->path(), remove_ec)) ++removed;
  }
  return removed;
}

void sync_to_disk(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(fmt::format("{}: cannot open to flush it to disk: {}", path, errno_text()));
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  // Directories on some file systems cannot be fsynced (EINVAL): their entries are then durable anyway.
  if (rc != 0 && saved != EINVAL) throw IoError(fmt::format("{}: flushing to disk failed: {}", path, std::strerror(saved)));
}

AtomicFile::AtomicFile(std::string final_path, bool overwrite) : final_path_(std::move(final_path)), overwrite_(overwrite) {
  check_output_path(final_path_, overwrite_);
  remove_stale_temporaries(directory_of(final_path_).string());
  temp_path_ = temporary_name_for(final_path_);
  // Created now: the name is this job's from its start, and an unwritable directory fails early.
  const int fd = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw InputError(fmt::format("{}: cannot create a file in its directory: {}", final_path_, errno_text()));
  ::close(fd);
}

AtomicFile::~AtomicFile() {
  if (!committed_) discard();
}

void AtomicFile::discard() {
  std::error_code ec;
  fs::remove(temp_path_, ec);
}

void AtomicFile::commit() {
  sync_to_disk(temp_path_);
  if (overwrite_) {
    if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0)
      throw IoError(fmt::format("renaming {} to {}: {}", temp_path_, final_path_, errno_text()));
  } else if (!rename_no_replace(temp_path_, final_path_)) {
    // Another job created the file while this one ran: never replace it, never lose this result.
    const std::string kept = kept_name(final_path_);
    if (rename_no_replace(temp_path_, kept)) {
      committed_ = true;
      throw InputError(fmt::format("{}: appeared while this job ran (another job wrote it) and overwrite is false; it was "
                                   "left alone and this job's result was kept as {}",
                                   final_path_, kept));
    }
    throw InputError(fmt::format("{}: appeared while this job ran (another job wrote it) and overwrite is false; this "
                                 "job's result was not kept",
                                 final_path_));
  }
  committed_ = true;
  sync_to_disk(directory_of(final_path_).string());
}

}  // namespace tessera

namespace tessera {

void write_and_commit(AtomicFile& file, std::string_view text) {
  {
    std::ofstream out(file.temp_path(), std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out.flush()) throw IoError(file.final_path() + ": writing failed (" + std::strerror(errno) + ")");
  }
  file.commit();
}

}  // namespace tessera
