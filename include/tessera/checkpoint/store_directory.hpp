#pragma once
/// @file
/// A job's checkpoint directory, opened for one run. It belongs to one job and one set of input
/// files: its manifest (manifest.json) names the job's settings (JobSpec::identity), every input
/// file's size, modification time and datasets, the tessera version, and how many runs used it.
/// Each run's ranks add their own packs (io/pack_file.hpp); nothing in it is ever rewritten but
/// the manifest, which is replaced atomically.
///
/// @code
/// CheckpointDirectory store("ckpt", job, /*resume=*/true);   // InputError if it is not this job's
/// client.use_checkpoint(store.setup());
/// @endcode
#include <cstdint>
#include <string>

#include "tessera/job/job_spec.hpp"
#include "tessera/runtime/client.hpp"

namespace tessera {

class CheckpointDirectory {
 public:
  /// Checks everything before writing anything; InputError naming the directory, file or
  /// dataset when its parent is missing, it is not a directory this process may write, it holds
  /// files tessera did not write, another run is using it, or its manifest names another job or
  /// input files that have changed since. Then creates it if needed, locks it for this run and
  /// records the run in the manifest. With `resume`, setup() lists the stored results to use.
  CheckpointDirectory(std::string path, const JobSpec& job, bool resume);
  ~CheckpointDirectory();
  CheckpointDirectory(const CheckpointDirectory&) = delete;
  CheckpointDirectory& operator=(const CheckpointDirectory&) = delete;

  const std::string& path() const { return path_; }
  /// What Client::use_checkpoint needs.
  CheckpointSetup setup() const { return setup_; }
  /// Distinct results stored by earlier runs, whether or not this run uses them.
  std::uint64_t earlier_results() const { return earlier_results_; }
  /// Index entries skipped as torn or corrupt (a run killed while writing one).
  std::uint64_t skipped_entries() const { return skipped_entries_; }

 private:
  std::string path_;
  CheckpointSetup setup_;
  std::uint64_t earlier_results_ = 0, skipped_entries_ = 0;
  int lock_fd_ = -1;
};

}  // namespace tessera
