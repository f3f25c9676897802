// Bit-identical reductions whatever the rank count, and idle ranks that do not burn a core.
#include <cmath>
#include <cstring>

#include "cluster_fixture.hpp"
#include "tessera/kernels/linalg.hpp"
#include "tessera/plan/tasks.hpp"

namespace tessera::testing {
namespace {

/// The pairwise tree, computed here independently of the runtime.
double reference_tree_sum(std::vector<double> v) {
  while (v.size() > 1) {
    std::vector<double> next;
    for (std::size_t i = 0; i + 1 < v.size(); i += 2) next.push_back(v[i] + v[i + 1]);
    if (v.size() % 2) next.push_back(v.back());
    v = std::move(next);
  }
  return v[0];
}

TEST(Determinism, TreeReductionIsBitIdenticalToTheFixedTree) {
  // ±1e16 (where doubles are 2 apart) among ones: 1e16 + 1 rounds back to 1e16, so which ones
  // survive depends on the order of additions. Left to right gives 2, the pairwise tree 1.
  std::vector<double> values;
  for (int i = 0; i < 25; ++i) values.insert(values.end(), {1e16, 1.0, -1e16, 1.0});
  values.push_back(1.0);
  double naive = 0;
  for (double v : values) naive += v;
  const double expected = reference_tree_sum(values);
  ASSERT_NE(naive, expected) << "data too benign: the test could not tell orders apart";

  run_on_cluster([&](Client& client) {
    Graph g;
    std::vector<TaskKey> leaves;
    for (double v : values) leaves.push_back(g.add(Task{"fill", {{"rows", std::int64_t{1}}, {"cols", std::int64_t{1}}, {"value", v}}, {}}));
    auto futures = client.submit(g, {reduce<Sum>(g, leaves)});
    const double got = (*client.gather(futures[0]))[0](0, 0);
    EXPECT_EQ(std::memcmp(&got, &expected, sizeof got), 0) << got << " vs " << expected;
  });
}

TEST(Idle, WaitingRanksDoNotSpin) {
  run_on_cluster([](Client& client) {
    const double before = process_cpu_seconds();
    Future nap = client.submit(Task{"sleep", {{"ms", std::int64_t{1500}}}, {}});
    const double worker_cpu = (*client.gather(nap))[0](0, 0);
    const double scheduler_cpu = process_cpu_seconds() - before;
    // Spinning would cost about 1.5 s of CPU; polling with back-off costs a few percent.
    EXPECT_LT(scheduler_cpu, 0.3) << "rank 0 burned CPU while waiting";
    EXPECT_LT(worker_cpu, 0.3) << "the worker's communication thread burned CPU during a long kernel";
  });
}

}  // namespace
}  // namespace tessera::testing
