#include "tessera/io/atomic_output.hpp"

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "tessera/error.hpp"

namespace tessera {
namespace fs = std::filesystem;

AtomicOutput::AtomicOutput(std::string final_path, bool overwrite) : final_path_(std::move(final_path)) {
  const fs::path path(final_path_);
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(final_path_ + ": output directory " + dir.string() + " does not exist");
  if (fs::exists(path, ec) && !overwrite)
    throw InputError(final_path_ + ": output file exists (set [output] overwrite = true to replace it)");
  temp_path_ = (dir / fmt::format(".{}.tmp-{}", path.filename().string(), ::getpid())).string();
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_path_, ec);
  }
}

hdf5::Handle AtomicOutput::create() const {
  return hdf5::Handle(hdf5::check(H5Fcreate(temp_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                                  "creating " + temp_path_));
}

hdf5::Handle AtomicOutput::reopen() const {
  return hdf5::Handle(hdf5::check(H5Fopen(temp_path_.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "opening " + temp_path_));
}

void AtomicOutput::commit() {
  std::error_code ec;
  fs::rename(temp_path_, final_path_, ec);
  if (ec) throw IoError("renaming " + temp_path_ + " to " + final_path_ + ": " + ec.message());
  committed_ = true;
}

}  // namespace tessera
