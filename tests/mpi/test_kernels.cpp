#include <sys/resource.h>

#include <chrono>
#include <thread>

#include "cluster_fixture.hpp"
#include "tessera/error.hpp"
#include "tessera/kernels/builtin.hpp"

namespace tessera::testing {

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

namespace {
Eigen::MatrixXd scalar(double v) { return Eigen::MatrixXd::Constant(1, 1, v); }
}  // namespace

const KernelRegistry& test_kernels() {
  static const KernelRegistry registry = [] {
    KernelRegistry r;
    register_builtin_kernels(r);
    r.add("fill", [](const KernelContext& c) {
      return Value::of(Eigen::MatrixXd::Constant(c.params.integer("rows"), c.params.integer("cols"), c.params.real("value")));
    });
    r.add("ramp", [](const KernelContext& c) {
      const auto n = c.params.integer("n");
      return Value::of(Eigen::VectorXd::LinSpaced(n, c.params.real("start"), c.params.real("start") + static_cast<double>(n - 1)));
    });
    r.add("scale", [](const KernelContext& c) { return Value::of(c.params.real("factor") * c.input(0)[0]); });
    r.add("add_one", [](const KernelContext& c) { return Value::of((c.input(0)[0].array() + 1.0).matrix()); });
    r.add("where", [](const KernelContext& c) {
      return Value::of(scalar(c.rank), Eigen::MatrixXd::Zero(std::max<std::int64_t>(c.params.integer("bytes") / 8, 1), 1));
    });
    r.add("where_sum", [](const KernelContext& c) { return Value::of(scalar(c.rank)); });
    r.add("fail", [](const KernelContext& c) -> Value {
      const auto on = c.params.integer("on_rank");
      if (on < 0 || on == c.rank) throw Error("deliberate failure on rank " + std::to_string(c.rank));
      return Value{};
    });
    r.add("sleep", [](const KernelContext& c) {
      const double before = process_cpu_seconds();
      std::this_thread::sleep_for(std::chrono::milliseconds(c.params.integer("ms")));
      return Value::of(scalar(process_cpu_seconds() - before));
    });
    r.add("noop", [](const KernelContext&) { return Value{}; });
    return r;
  }();
  return registry;
}

}  // namespace tessera::testing
