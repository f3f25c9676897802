#pragma once
/// @file
/// The kernels every rank registers at start-up.
///
///   read_rows   {path, dataset, row_begin, row_end}  -> [rows of the dataset, transposed: cols x rows]
///   read_all    {path, dataset, copy}                -> [whole dataset, transposed]
///   gram        (X chunk, y chunk)                   -> [XᵀX, Xᵀy, n]
///   sum         (a, b, ...)                          -> blockwise a + b + ...
///   matmul_rows (A chunk, Bᵀ)                        -> [(A_c B)ᵀ]
///   write_rows  (C chunk) {path, offset, row_begin}  -> []  (pwrite into a preallocated dataset)
#include "tessera/runtime/kernel_registry.hpp"

namespace tessera {

void register_builtin_kernels(KernelRegistry& registry);

}  // namespace tessera
