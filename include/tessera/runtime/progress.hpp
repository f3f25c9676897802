#pragma once
/// @file
/// What rank 0 tells a person following a job, on stderr (stdout stays for the report and the
/// JSON summary): tasks done of those known so far, the driver's phase ("pass 3 of at most 26"),
/// the rate, elapsed time and an estimate of the time left. On a terminal one line is redrawn
/// in place; in a batch log a plain line is written every `interval` seconds.
#include <chrono>
#include <cstdint>
#include <string>

namespace tessera {

struct ProgressOptions {
  /// Seconds between lines in a log; 0 turns progress off.
  double interval_seconds = 0;
  /// Redraw one line (stderr is a terminal) instead of writing lines.
  bool live = false;
};

class Progress {
 public:
  explicit Progress(ProgressOptions options = {});
  void set_phase(std::string phase) { phase_ = std::move(phase); }
  /// Called often: writes a line only when one is due.
  void update(std::uint64_t done, std::uint64_t total);
  /// Clears a live line, so the next output starts on a clean line.
  void finish();
  /// The line for these counts after `elapsed` seconds (for tests and the log).
  std::string line(std::uint64_t done, std::uint64_t total, double elapsed) const;

 private:
  ProgressOptions options_;
  std::string phase_;
  std::chrono::steady_clock::time_point start_, next_;
  bool drawn_ = false;
};

/// Whether a person watches stderr on a terminal: ours is one, or the launcher's is (mpiexec passes
/// a rank's stderr on through a pipe, so the rank's own is never a terminal).
bool stderr_is_terminal();

/// 1,930 — digits in groups of three, for counts a person reads.
std::string grouped(std::uint64_t n);

}  // namespace tessera
