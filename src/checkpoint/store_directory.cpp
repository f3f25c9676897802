#include "tessera/checkpoint/store_directory.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tessera/core/version.hpp"
#include "tessera/error.hpp"
#include "tessera/io/atomic_file.hpp"
#include "tessera/io/hdf5.hpp"
#include "tessera/io/pack_file.hpp"

namespace tessera {
namespace fs = std::filesystem;
namespace {

constexpr const char* manifest_name = "manifest.json";
constexpr const char* lock_name = "lock";
constexpr const char* format_tag = "tessera checkpoint store";
constexpr int format_version = 1;

/// The files a job reads, each once.
std::vector<std::string> input_files(const JobSpec& job) {
  std::vector<std::string> files;
  for (const std::string& f : {job.data.path, job.data.b_path, job.data.predictions_path,
                               job.predict ? job.predict->path : std::string()})
    if (!f.empty() && std::find(files.begin(), files.end(), f) == files.end() && fs::exists(f)) files.push_back(f);
  return files;
}

std::string timestamp(std::int64_t ns) {
  const std::time_t seconds = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return fmt::format("{}.{:09} UTC", text, ns % 1'000'000'000);
}

/// Size, modification time, and every dataset's shape and type.
nlohmann::json fingerprint(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw InputError(path + ": " + std::strerror(errno));
  nlohmann::json datasets = nlohmann::json::object();
  const hdf5::Handle file = hdf5::open_for_reading(path);
  for (const hdf5::DatasetInfo& d : hdf5::list_datasets(file.id(), path)) datasets[d.name] = {{"shape", d.dims}, {"type", d.type}};
  return {{"path", path},
          {"size", static_cast<std::int64_t>(st.st_size)},
          {"mtime_ns", static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec},
          {"datasets", datasets}};
}

std::string shape_text(const nlohmann::json& d) {
  std::string s;
  for (const auto& n : d.at("shape")) s += (s.empty() ? "" : " x ") + std::to_string(n.get<std::uint64_t>());
  return (s.empty() ? "scalar" : s) + " " + d.at("type").get<std::string>();
}

/// What changed between two fingerprints of one file, or "" when nothing did.
std::string change(const nlohmann::json& then, const nlohmann::json& now) {
  if (then.at("size") != now.at("size"))
    return fmt::format("its size was {} bytes, now {}", then.at("size").get<std::int64_t>(), now.at("size").get<std::int64_t>());
  const auto& a = then.at("datasets");
  const auto& b = now.at("datasets");
  for (const auto& [name, d] : a.items()) {
    if (!b.contains(name)) return "its dataset '" + name + "' is gone";
    if (d != b.at(name)) return "its dataset '" + name + "' was " + shape_text(d) + ", now " + shape_text(b.at(name));
  }
  for (const auto& [name, d] : b.items())
    if (!a.contains(name)) return "it has a new dataset '" + name + "'";
  if (then.at("mtime_ns") != now.at("mtime_ns"))
    return "it was modified at " + timestamp(now.at("mtime_ns").get<std::int64_t>()) + " (stored at " +
           timestamp(then.at("mtime_ns").get<std::int64_t>()) + ")";
  return "";
}

/// The first line where two jobs' settings differ, for the message.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  while (true) {
    const bool ga = static_cast<bool>(std::getline(sa, la)), gb = static_cast<bool>(std::getline(sb, lb));
    if (!ga && !gb) return "";
    if (!ga) return "this job adds '" + lb + "'";
    if (!gb) return "its job had '" + la + "'";
    if (la != lb) return "its job had '" + la + "', this one '" + lb + "'";
  }
}

/// Files a store may hold: its manifest (and the manifest's temporary while it is replaced), its
/// lock, and packs with their indexes.
bool ours(const std::string& name) {
  auto ends_with = [&](const std::string& suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return name == manifest_name || name == lock_name || name.rfind(".manifest.json.tmp-", 0) == 0 || ends_with(".pack") ||
         ends_with(".pack.idx");
}

nlohmann::json read_manifest(const std::string& dir, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(dir + ": cannot read " + path);
  try {
    nlohmann::json m = nlohmann::json::parse(in);
    if (m.value("format", "") != format_tag) throw InputError("");
    return m;
  } catch (const std::exception&) {
    throw InputError(dir + ": " + path + " is not a tessera checkpoint manifest; give a new checkpoint directory");
  }
}

}  // namespace

CheckpointDirectory::CheckpointDirectory(std::string path, const JobSpec& job, bool resume) : path_(std::move(path)) {
  if (path_.empty()) throw InputError("the checkpoint directory is empty");
  while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
  const fs::path dir(path_);
  const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(parent, ec))
    throw InputError(fmt::format("checkpoint directory {}: its parent {} does not exist", path_, parent.string()));
  const bool exists = fs::exists(dir, ec);
  if (exists && !fs::is_directory(dir, ec)) throw InputError(fmt::format("checkpoint directory {}: is not a directory", path_));
  const fs::path writable = exists ? dir : parent;
  if (::access(writable.c_str(), W_OK | X_OK) != 0)
    throw InputError(fmt::format("checkpoint directory {}: cannot write in {} ({})", path_, writable.string(), std::strerror(errno)));

  // Whose is it? Checked before anything is written.
  std::vector<nlohmann::json> inputs;
  for (const std::string& f : input_files(job)) inputs.push_back(fingerprint(f));
  const std::string manifest_path = (dir / manifest_name).string();
  nlohmann::json manifest;
  if (exists) {
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (!ours(entry.path().filename().string()))
        throw InputError(fmt::format("checkpoint directory {}: holds {}, which tessera did not write; give an empty or new "
                                     "directory",
                                     path_, entry.path().filename().string()));
    if (fs::exists(manifest_path)) {
      manifest = read_manifest(path_, manifest_path);
      const std::string identity = manifest.at("job").at("identity").get<std::string>();
      if (identity != job.identity)
        throw InputError(fmt::format("checkpoint directory {} belongs to another job (written for {}; {}); give this job "
                                     "its own directory",
                                     path_, manifest.at("job").at("file").get<std::string>(),
                                     first_difference(identity, job.identity)));
      for (const auto& then : manifest.at("inputs")) {
        const std::string file = then.at("path").get<std::string>();
        const auto now = std::find_if(inputs.begin(), inputs.end(), [&](const auto& i) { return i.at("path") == file; });
        const std::string what = now == inputs.end() ? "it is gone" : change(then, *now);
        if (!what.empty())
          throw InputError(fmt::format("{} changed since checkpoint directory {} was written: {}; its stored results "
                                       "would not match (give a new directory, or remove this one to start again)",
                                       file, path_, what));
      }
    } else {
      // A run killed before it wrote the manifest leaves at most its lock: the directory is new.
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() > 5 && name.find(".pack") != std::string::npos)
          throw InputError(fmt::format("checkpoint directory {}: holds packs but no {}; give a new directory", path_,
                                       manifest_name));
      }
    }
  }

  // This run's: create, lock, record the run.
  if (!exists && !fs::create_directory(dir, ec) && !fs::is_directory(dir))
    throw InputError(fmt::format("checkpoint directory {}: cannot create it ({})", path_, ec.message()));
  const std::string lock_path = (dir / lock_name).string();
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw InputError(fmt::format("checkpoint directory {}: cannot create {} ({})", path_, lock_path, std::strerror(errno)));
  // flock is advisory and some parallel file systems mount without it (ENOLCK): then the
  // directory is simply not guarded against a second run.
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw InputError(fmt::format("checkpoint directory {} is in use by another tessera run", path_));
  }
  const int runs = manifest.is_null() ? 0 : manifest.value("runs", 0);
  manifest = {{"format", format_tag},
              {"format_version", format_version},
              {"tessera_version", version()},
              {"job", {{"file", job.file}, {"identity", job.identity}}},
              {"inputs", inputs},
              {"runs", runs + 1}};
  {
    AtomicFile file(manifest_path, /*overwrite=*/true);
    std::ofstream out(file.temp_path());
    out << manifest.dump(2) << "\n";
    errno = 0;
    out.close();
    if (!out)
      throw IoError(manifest_path + ": cannot write the checkpoint manifest" + (errno ? std::string(": ") + std::strerror(errno) : ""));
    file.commit();
  }

  setup_.directory = path_;
  setup_.run = fmt::format("run-{:04}", runs + 1);
  std::set<TaskKey> distinct;
  for (PackEntry& e : read_pack_indexes(path_, &skipped_entries_)) {
    distinct.insert(e.key);
    if (resume) setup_.stored.emplace(e.key, std::move(e.location));
  }
  earlier_results_ = distinct.size();
}

CheckpointDirectory::~CheckpointDirectory() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

}  // namespace tessera
