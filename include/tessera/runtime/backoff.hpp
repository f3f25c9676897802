#pragma once
/// @file
/// How a polling loop waits when there is nothing to do: yield a few times (a reply is often
/// microseconds away), then sleep for growing intervals up to a ceiling. A loop that spins at
/// 100% would steal the CPU of workers sharing the node when ranks outnumber cores.
#include <algorithm>
#include <chrono>
#include <thread>

namespace tessera {

class Backoff {
 public:
  /// Call after a poll that found work.
  void reset() { idle_polls_ = 0; }
  /// How long the next idle wait should last; zero means "just yield".
  std::chrono::microseconds next_wait() {
    ++idle_polls_;
    if (idle_polls_ <= yield_polls) return std::chrono::microseconds(0);
    const int doublings = std::min(idle_polls_ - yield_polls, 7);
    return std::min(max_sleep, min_sleep * (1 << doublings));
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
  static constexpr int yield_polls = 32;
  static constexpr std::chrono::microseconds min_sleep{10};
  static constexpr std::chrono::microseconds max_sleep{1000};
  int idle_polls_ = 0;
};

}  // namespace tessera
