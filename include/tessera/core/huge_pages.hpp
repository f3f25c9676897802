#pragma once
/// @file
/// Transparent huge pages for large buffers. A chunk's rows are tens of megabytes of fresh memory,
/// and the first write to every 4 KiB page of it is a page fault: 8,192 faults for a 32 MiB chunk.
/// Where faults are dear (virtual machines, where each can cost 10 µs or more) that is most of a
/// read's time; with 2 MiB pages there are 512 times fewer, and fewer TLB misses after. Kernels
/// whose THP setting is "madvise" (the common default) use huge pages only where asked.
#include <cstddef>

namespace tessera {

/// Asks for huge pages on the 2 MiB-aligned part of [data, data + bytes), before it is first
/// written. Does nothing for buffers under 4 MiB, where the kernel cannot (it is only advice), or
/// with TESSERA_HUGE_PAGES=0 in the environment.
void advise_huge_pages(void* data, std::size_t bytes);

}  // namespace tessera
