// Registers a kernel of its own beside tessera's, builds a graph of both, and checks the answer:
// the sum over 10 chunks of 3 x (chunk's values), where chunk c holds c + 1 everywhere.
#include <iostream>

#include "tessera/core/contract.hpp"
#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/linalg.hpp"
#include "tessera/plan/tasks.hpp"
#include "tessera/runtime/cluster.hpp"
#include "tessera/runtime/process.hpp"

namespace {

/// This project's kernel: a k x k block filled with `value`, times `factor`.
struct ScaledFill {
  static constexpr const char* name = "consumer_scaled_fill";
  static constexpr tessera::Lane lane = tessera::Lane::compute;
  static constexpr std::size_t inputs = 0;
  struct Params {
    std::int64_t size = 0;
    double value = 0, factor = 1;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("size", self.size);
      visit("value", self.value);
      visit("factor", self.factor);
    }
  };
  struct Result {
    Eigen::MatrixXd block;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("block", self.block);
    }
  };
};

ScaledFill::Result scaled_fill(const ScaledFill::Params& p, const tessera::KernelInputs&) {
  return {Eigen::MatrixXd::Constant(p.size, p.size, p.value * p.factor)};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tessera;
  Process process(argc, argv);
  KernelRegistry kernels;
  register_builtin_kernels(kernels);
  add_kernel<ScaledFill>(kernels, scaled_fill);
  double total = 0;
  const int code = run_cluster(process.world(), kernels, [&](Client& client) {
    Graph graph;
    std::vector<TaskKey> leaves;
    for (int c = 0; c < 10; ++c) leaves.push_back(graph.add(task_of<ScaledFill>({4, c + 1.0, 3.0}, {})));
    const TaskKey root = reduce<Sum>(graph, leaves);
    const Value v = *client.gather(client.submit(graph, {root}).front());
    total = v[0](2, 3);
    std::cout << "workers " << client.workers() << " total " << total << std::endl;
    return total == 3.0 * 55 ? 0 : 1;
  });
  return code;
}
