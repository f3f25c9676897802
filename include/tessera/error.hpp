#pragma once
/// @file
/// The exception hierarchy. Every message is one line a user can act on: it names the file,
/// dataset, key or row at fault.
#include <stdexcept>
#include <string>

namespace tessera {

/// Base of every tessera error.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The user's input is wrong (job file, data file, command line). Exit code 2.
class InputError : public Error {
 public:
  using Error::Error;
};

/// An HDF5 or file-system operation failed for a reason other than bad input.
class IoError : public Error {
 public:
  using Error::Error;
};

/// MPI communication failed or a peer broke the protocol.
class CommError : public Error {
 public:
  using Error::Error;
};

/// A task failed on some rank; carries the pieces rank 0 reports.
class TaskError : public Error {
 public:
  TaskError(std::string key, std::string kernel, int rank, std::string message, bool input_error)
      : Error("task " + key + " (kernel " + kernel + ") failed on rank " + std::to_string(rank) + ": " +
              message),
        key_(std::move(key)),
        kernel_(std::move(kernel)),
        rank_(rank),
        message_(std::move(message)),
        input_error_(input_error) {}
  const std::string& key() const { return key_; }
  const std::string& kernel() const { return kernel_; }
  int rank() const { return rank_; }
  /// The kernel's own message, without the task context.
  const std::string& message() const { return message_; }
  /// True when the kernel rejected the user's data (NaN, bad shape): reported as an input error.
  bool input_error() const { return input_error_; }

 private:
  std::string key_, kernel_;
  int rank_;
  std::string message_;
  bool input_error_;
};

/// The job was stopped by a signal (SIGTERM from Slurm at the time limit, SIGINT from Ctrl-C,
/// SIGUSR1 from Slurm's --signal). Exit code 75 when what finished is in a checkpoint store (the
/// run can be resumed), else 128 + the signal, as a shell reports a process the signal ended.
class Interrupted : public Error {
 public:
  explicit Interrupted(int signal);
  Interrupted(int signal, const std::string& message, bool resumable);
  int signal() const { return signal_; }
  bool resumable() const { return resumable_; }

 private:
  int signal_;
  bool resumable_ = false;
};

/// Exit codes of the `tessera` binary.
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int failure = 1;
inline constexpr int bad_input = 2;
/// EX_TEMPFAIL: stopped by a signal, and `tessera run --resume` finishes the job.
inline constexpr int resumable = 75;
/// 128 + signal for a job a signal stopped.
inline constexpr int signalled(int signal) { return 128 + signal; }
}  // namespace exit_code

}  // namespace tessera
