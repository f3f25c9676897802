#include "tessera/runtime/backoff.hpp"

#include <sys/prctl.h>

namespace tessera {

void Backoff::precise_sleeps_on_this_thread() { ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL); }

}  // namespace tessera
