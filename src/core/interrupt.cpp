#include "tessera/core/interrupt.hpp"

#include <atomic>
#include <csignal>

#include "tessera/error.hpp"

namespace tessera {
namespace {

std::atomic<int> received{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free atomic");

extern "C" void note_signal(int signal) { received.store(signal, std::memory_order_relaxed); }

}  // namespace

Interrupted::Interrupted(int signal)
    : Error("stopped by " + signal_name(signal) + " before the job finished; no output was written"), signal_(signal) {}

Interrupted::Interrupted(int signal, const std::string& message, bool resumable)
    : Error(message), signal_(signal), resumable_(resumable) {}

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = note_signal;
  action.sa_flags = SA_RESETHAND | SA_RESTART;  // the second signal takes the default action: the process ends
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGTERM, SIGINT, SIGUSR1}) sigaction(signal, &action, nullptr);
}

int interrupt_signal() { return received.load(std::memory_order_relaxed); }

void throw_if_interrupted() {
  if (const int signal = interrupt_signal()) throw Interrupted(signal);
}

std::string signal_name(int signal) {
  switch (signal) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    default: return "signal " + std::to_string(signal);
  }
}

}  // namespace tessera
