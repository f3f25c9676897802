#pragma once
/// @file
/// A file that appears under its final name complete or not at all. It is written under a
/// temporary name in the same directory (`.NAME.tmp-HOST-PID`), flushed to disk, and renamed
/// onto the final name by commit(). A job that fails or is stopped removes its temporary file;
/// one killed outright leaves it behind, and the next AtomicFile made in that directory removes
/// it once it sees that the process named in it is gone.
///
/// @code
/// AtomicFile csv("results/grid.csv", /*overwrite=*/false);  // checks the destination now
/// write_everything_to(csv.temp_path());
/// csv.commit();   // fsync, then rename (refusing to replace a file that appeared meanwhile)
/// @endcode
#include <string>
#include <string_view>

namespace tessera {

class AtomicFile {
 public:
  /// Checks the destination before any work is done (InputError naming the path): it must be a
  /// file name, not a directory, in an existing directory this process may write to; with
  /// `overwrite` false it must not exist yet. Removes temporary files of dead tessera processes
  /// of this host found in that directory.
  AtomicFile(std::string final_path, bool overwrite);
  /// Removes the temporary file unless committed.
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Flushes the temporary file to disk and renames it onto the final name, then flushes the
  /// directory. Without `overwrite` the rename refuses to replace a file that appeared during the
  /// job: the result is then kept under `kept_path()`-like name and InputError says where.
  void commit();
  /// Removes the temporary file now.
  void discard();

  const std::string& final_path() const { return final_path_; }
  const std::string& temp_path() const { return temp_path_; }
  bool committed() const { return committed_; }

 private:
  std::string final_path_, temp_path_;
  bool overwrite_;
  bool committed_ = false;
};

/// Writes `text` as the whole file and commits it; IoError naming the final path if a write fails.
void write_and_commit(AtomicFile& file, std::string_view text);

/// Checks that `path` can be an output file (see AtomicFile); InputError otherwise.
void check_output_path(const std::string& path, bool overwrite);

/// The temporary name AtomicFile uses for `final_path` in this process.
std::string temporary_name_for(const std::string& final_path);

/// The final name of a temporary file (`dir/.NAME.tmp-HOST-PID` -> `dir/NAME`), for messages;
/// any other path as it is.
std::string final_name_of(const std::string& path);

/// Removes `.NAME.tmp-HOST-PID` files in `directory` whose HOST is this host and whose PID is not
/// a running process; returns how many were removed.
int remove_stale_temporaries(const std::string& directory);

/// fsync() of a file or directory by path; IoError naming it on failure.
void sync_to_disk(const std::string& path);

}  // namespace tessera
