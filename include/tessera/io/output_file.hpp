#pragma once
/// @file
/// A job's HDF5 result file. It is one open file from the first dataset written to close():
/// every writer goes through hdf5() (so no caller can truncate what another wrote), and close()
/// flushes and closes it with every error checked. Datasets the workers fill (row blocks written
/// with pwrite, so rank 0 never carries bulk data) are allocated last; close() then reserves
/// their disk space, so a disk that is too full fails the job before any worker writes.
/// commit() verifies the closed file and moves it into place (see AtomicFile).
///
/// @code
/// OutputFile out("results/gram.h5", false);
/// hdf5::write_scalar(out.hdf5(), "n", 42);
/// out.commit();
/// @endcode
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tessera/io/atomic_file.hpp"
#include "tessera/io/hdf5.hpp"

namespace tessera {

class OutputFile {
 public:
  /// Checks the destination (see AtomicFile) and creates the temporary file, empty.
  OutputFile(std::string final_path, bool overwrite);
  /// Closes the file (errors ignored: the job has already failed) and removes it unless committed.
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  /// The open temporary file. IoError after close().
  hid_t hdf5() const;
  /// A rows x cols float64 dataset (cols = 0: 1-D) stored contiguously and left unwritten, for the
  /// workers to fill with pwrite at the returned byte offset once close() has run.
  std::uint64_t allocate_rows(const std::string& name, std::uint64_t rows, std::uint64_t cols);
  /// Flushes and closes the HDF5 file, checking every step, and reserves the disk space of the
  /// allocated datasets. Nothing may be written through HDF5 afterwards.
  void close();
  /// Another file the job writes beside this one (a CSV), checked now and committed with it.
  AtomicFile& companion(const std::string& final_path);
  /// close() if still open; checks that the file opens as HDF5; moves it into place, then its
  /// companions.
  void commit();

  const std::string& final_path() const { return file_.final_path(); }
  const std::string& temp_path() const { return file_.temp_path(); }

 private:
  AtomicFile file_;
  std::vector<std::unique_ptr<AtomicFile>> companions_;
  bool overwrite_;
  hid_t id_ = H5I_INVALID_HID;
  bool closed_ = false;
};

/// Reserves the blocks of the first `bytes` bytes of `path` (posix_fallocate), so that writes
/// into them cannot run out of space later. IoError naming the path (and the disk) when the file
/// system has too little room; a file system that cannot reserve space is left to fail on write.
void reserve_disk_space(const std::string& path, std::uint64_t bytes);

}  // namespace tessera
