#include "tessera/runtime/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

namespace tessera {
namespace {

std::string clock_time(double seconds) {
  const auto s = static_cast<std::int64_t>(seconds + 0.5);
  return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
}

}  // namespace

bool stderr_is_terminal() {
  if (::isatty(STDERR_FILENO) == 1) return true;
  std::error_code ec;
  const std::string launchers = std::filesystem::read_symlink("/proc/" + std::to_string(::getppid()) + "/fd/2", ec).string();
  return !ec && (launchers.rfind("/dev/pts/", 0) == 0 || launchers.rfind("/dev/tty", 0) == 0);
}

std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

Progress::Progress(ProgressOptions options) : options_(options), start_(std::chrono::steady_clock::now()) {
  // A live line starts at once and is redrawn twice a second; a log line waits a full interval.
  next_ = start_ + (options_.live ? std::chrono::milliseconds(500)
                                  : std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        std::chrono::duration<double>(options_.interval_seconds)));
}

std::string Progress::line(std::uint64_t done, std::uint64_t total, double elapsed) const {
  std::string text = fmt::format("{} of {} tasks", grouped(done), grouped(total));
  if (!phase_.empty()) text += ", " + phase_;
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  text += fmt::format(", {:.0f} tasks/s, {} elapsed", rate, clock_time(elapsed));
  // Of the tasks known so far: an iterative driver adds more as it goes (its phase says how many
  // passes may come), so for it the estimate is a lower bound.
  if (rate > 0 && done < total) text += ", ETA " + clock_time(static_cast<double>(total - done) / rate);
  return text;
}

void Progress::update(std::uint64_t done, std::uint64_t total) {
  if (options_.interval_seconds <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_) return;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (options_.live) {
    std::fprintf(stderr, "\r\033[Ktessera: %s", line(done, total, elapsed).c_str());
    drawn_ = true;
    next_ = now + std::chrono::milliseconds(500);
  } else {
    std::fprintf(stderr, "tessera: progress: %s\n", line(done, total, elapsed).c_str());
    next_ = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      std::chrono::duration<double>(options_.interval_seconds));
  }
  std::fflush(stderr);
}

void Progress::finish() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace tessera
