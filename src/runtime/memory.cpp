#include "tessera/runtime/memory.hpp"

#include <malloc.h>

namespace tessera {

void keep_freed_memory_for_reuse() {
  mallopt(M_MMAP_MAX, 0);                // large blocks come from the heap, where freed space is reused
  mallopt(M_TRIM_THRESHOLD, 1 << 30);    // and is not handed back to the kernel between chunks
  mallopt(M_TOP_PAD, 64 << 20);          // grow the heap in large steps
}

}  // namespace tessera
