#pragma once
/// @file
/// How a polling loop waits when there is nothing to do. Right after activity a reply is usually
/// microseconds away, so it only yields; the longer it has been idle, the longer it sleeps (a
/// quarter of the idle time so far, up to a ceiling). A loop that spins at 100% would steal the
/// CPU of workers sharing the node when ranks outnumber cores; one that sleeps too long at once
/// adds its sleep to every round trip.
#include <algorithm>
#include <chrono>
#include <thread>

namespace tessera {

class Backoff {
 public:
  using Clock = std::chrono::steady_clock;

  /// Linux stretches every sleep by the thread's timer slack (50 us by default), which would be
  /// added to each message round trip; a polling thread asks for precise wake-ups instead.
  Backoff() { precise_sleeps_on_this_thread(); }
  static void precise_sleeps_on_this_thread();

  /// Call after a poll that found work.
  void reset() { idle_ = false; }
  /// How long the next idle wait should last; zero means "just yield".
  std::chrono::microseconds next_wait() {
    const auto now = Clock::now();
    if (!idle_) {
      idle_ = true;
      idle_since_ = now;
    }
    const auto idle = std::chrono::duration_cast<std::chrono::microseconds>(now - idle_since_);
    if (idle < yield_period) return std::chrono::microseconds(0);
    return std::clamp(idle / 4, min_sleep, max_sleep);
  }
  /// Waits once (for loops with nothing else to wait on).
  void pause() {
    const auto wait = next_wait();
    if (wait.count() == 0)
      std::this_thread::yield();
    else
      std::this_thread::sleep_for(wait);
  }

 private:
  static constexpr std::chrono::microseconds yield_period{100};
  static constexpr std::chrono::microseconds min_sleep{10};
  static constexpr std::chrono::microseconds max_sleep{500};
  bool idle_ = false;
  Clock::time_point idle_since_{};
};

}  // namespace tessera
