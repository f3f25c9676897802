#pragma once
/// @file
/// An output file that appears complete or not at all: everything is written under a temporary
/// name in the same directory, and renamed onto the final name by commit(). If the job fails
/// first, the destructor removes the temporary file.
#include <string>

#include "tessera/io/hdf5.hpp"

namespace tessera {

class AtomicOutput {
 public:
  /// Checks the destination before any work is done: InputError when the directory is missing,
  /// or the file exists and `overwrite` is false.
  AtomicOutput(std::string final_path, bool overwrite);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  /// Creates (truncating) the temporary HDF5 file and returns it open for writing.
  hdf5::Handle create() const;
  /// Opens the temporary file again for writing.
  hdf5::Handle reopen() const;
  /// Moves the temporary file onto the final name.
  void commit();

  const std::string& final_path() const { return final_path_; }
  const std::string& temp_path() const { return temp_path_; }

 private:
  std::string final_path_, temp_path_;
  bool committed_ = false;
};

}  // namespace tessera
