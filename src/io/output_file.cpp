#include "tessera/io/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "tessera/error.hpp"

namespace tessera {

OutputFile::OutputFile(std::string final_path, bool overwrite) : file_(std::move(final_path), overwrite), overwrite_(overwrite) {
  hdf5::Handle fapl(hdf5::check(H5Pcreate(H5P_FILE_ACCESS), "file access properties"));
  // SEMI: closing fails while a dataset or group of the file is still open, instead of leaving
  // the file open behind our back until the library shuts down.
  hdf5::check_status(H5Pset_fclose_degree(fapl.id(), H5F_CLOSE_SEMI), "file close degree");
  // Created now, empty: the name is taken for this job from its start, and a directory that
  // cannot be written to fails the job before any work.
  id_ = hdf5::check(H5Fcreate(temp_path().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()), "creating " + file_.final_path());
}

OutputFile::~OutputFile() {
  if (id_ >= 0) H5Fclose(id_);  // a failed job: the file is removed below whatever this returns
}

hid_t OutputFile::hdf5() const {
  if (closed_) throw IoError(temp_path() + ": written to after it was closed");
  return id_;
}

std::uint64_t OutputFile::allocate_rows(const std::string& name, std::uint64_t rows, std::uint64_t cols) {
  return hdf5::create_contiguous(hdf5(), name, rows, cols);
}

void OutputFile::close() {
  if (closed_) return;
  const hid_t id = id_;
  id_ = H5I_INVALID_HID;
  closed_ = true;
  hsize_t size = 0;
  hdf5::check_status(H5Fflush(id, H5F_SCOPE_LOCAL), "writing " + final_path());
  hdf5::check_status(H5Fget_filesize(id, &size), "size of " + final_path());
  hdf5::check_status(H5Fclose(id), "closing " + final_path());
  reserve_disk_space(temp_path(), size);
}

void OutputFile::commit() {
  close();
  {
    // The closed file must open again as HDF5: the last check before it takes the final name.
    const hid_t id = H5Fopen(temp_path().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    hdf5::check(id, "checking " + final_path() + " before renaming it into place");
    hdf5::check_status(H5Fclose(id), "checking " + final_path());
  }
  file_.commit();
  for (auto& companion : companions_) companion->commit();
}

AtomicFile& OutputFile::companion(const std::string& final_path) {
  return *companions_.emplace_back(std::make_unique<AtomicFile>(final_path, overwrite_));
}

void reserve_disk_space(const std::string& path, std::uint64_t bytes) {
  if (bytes == 0) return;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(fmt::format("{}: cannot open: {}", final_name_of(path), std::strerror(errno)));
  // fallocate(2), not posix_fallocate: where the file system cannot reserve space, glibc's
  // emulation would write every block, which is slower than the job's own writes.
  const int rc = ::fallocate(fd, 0, 0, static_cast<off_t>(bytes)) == 0 ? 0 : errno;
  ::close(fd);
  if (rc == 0 || rc == EOPNOTSUPP || rc == ENOSYS) return;
  throw IoError(fmt::format("{}: cannot reserve {} bytes on disk: {}", final_name_of(path), bytes, std::strerror(rc)));
}

}  // namespace tessera
