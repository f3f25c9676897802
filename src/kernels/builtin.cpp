#include "tessera/kernels/builtin.hpp"

#include "tessera/kernels/blas.hpp"

namespace tessera {

void register_io_kernels(KernelRegistry& registry);
void register_linalg_kernels(KernelRegistry& registry);
void register_least_squares_kernels(KernelRegistry& registry);
void register_exact_gram_kernels(KernelRegistry& registry);
void register_cv_kernels(KernelRegistry& registry);
void register_logistic_kernels(KernelRegistry& registry);
void register_metrics_kernels(KernelRegistry& registry);
void register_class_kernels(KernelRegistry& registry);
void register_kmeans_kernels(KernelRegistry& registry);

void register_builtin_kernels(KernelRegistry& registry) {
  blas::use_one_thread();
  register_io_kernels(registry);
  register_linalg_kernels(registry);
  register_least_squares_kernels(registry);
  register_exact_gram_kernels(registry);
  register_cv_kernels(registry);
  register_logistic_kernels(registry);
  register_metrics_kernels(registry);
  register_class_kernels(registry);
  register_kmeans_kernels(registry);
}

}  // namespace tessera
