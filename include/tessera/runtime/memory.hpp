#pragma once
/// @file
/// Process-wide memory settings for a rank.

namespace tessera {

/// Makes glibc keep freed memory for reuse instead of returning it to the kernel. A worker
/// allocates and frees one large row block per chunk; by default each of those (above glibc's
/// 32 MiB mmap ceiling) is a fresh mmap whose pages the kernel must fault in and zero, which cost
/// more than reading the chunk, and the faults of two threads serialise on the process's memory
/// map lock. Call first thing in main, before any thread starts. A no-op under AddressSanitizer.
void keep_freed_memory_for_reuse();

}  // namespace tessera
