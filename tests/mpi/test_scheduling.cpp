// Scheduling on the real runtime: fan-out and fan-in, worker-to-worker fetches (also while the
// holder is busy in a long kernel), release of intermediates, deduplication and a driver that grows
// its graph from gathered results.
#include <chrono>

#include "cluster_fixture.hpp"
#include "tessera/kernels/linalg.hpp"
#include "tessera/plan/tasks.hpp"

namespace tessera::testing {
namespace {

Task fill(std::int64_t rows, std::int64_t cols, double value) {
  return Task{"fill", {{"rows", rows}, {"cols", cols}, {"value", value}}, {}};
}

TEST(Scheduling, FanOutThenFanInTree) {
  run_on_cluster([](Client& client) {
    Graph g;
    const TaskKey root = g.add(Task{"ramp", {{"n", std::int64_t{1000}}, {"start", 1.0}}, {}});
    std::vector<TaskKey> scaled;
    for (int i = 1; i <= 40; ++i) scaled.push_back(g.add(Task{"scale", {{"factor", double(i)}}, {root}}));
    const TaskKey total = reduce<Sum>(g, scaled);
    auto futures = client.submit(g, {total});
    const Eigen::MatrixXd got = (*client.gather(futures[0]))[0];
    // Integers well below 2^53: every sum is exact, so the answer is known exactly.
    ASSERT_EQ(got.rows(), 1000);
    for (int k = 0; k < 1000; ++k) EXPECT_EQ(got(k, 0), (k + 1) * (40.0 * 41.0 / 2.0));
    EXPECT_EQ(client.stats().executed, 1u + 40u + 39u);
  });
}

TEST(Scheduling, ConsumerFetchesInputFromAnotherWorker) {
  if (world().size() < 3) GTEST_SKIP() << "needs two workers (3 or more ranks)";
  run_on_cluster([](Client& client) {
    Future small = client.submit(Task{"where", {{"bytes", std::int64_t{8}}}, {}, Locality{0, 2}});
    Future large = client.submit(Task{"where", {{"bytes", std::int64_t{800000}}}, {}, Locality{1, 2}});
    Future both = client.submit(Task{"where_sum", {}, {small.key(), large.key()}});
    const double small_rank = (*client.gather(small))[0](0, 0), large_rank = (*client.gather(large))[0](0, 0);
    const double both_rank = (*client.gather(both))[0](0, 0);
    EXPECT_NE(small_rank, large_rank);
    EXPECT_NE(small_rank, 0.0) << "rank 0 must not run tasks when there are workers";
    EXPECT_EQ(both_rank, large_rank) << "placement should follow the larger input";
  });
}

TEST(Scheduling, BusyWorkerStillServesFetches) {
  if (world().size() < 3) GTEST_SKIP() << "needs two workers (3 or more ranks)";
  run_on_cluster([](Client& client) {
    Future small = client.submit(Task{"where", {{"bytes", std::int64_t{8}}}, {}, Locality{0, 2}});
    Future nap = client.submit(Task{"sleep", {{"ms", std::int64_t{2000}}}, {}, Locality{0, 2}});
    Future large = client.submit(Task{"where", {{"bytes", std::int64_t{800000}}}, {}, Locality{1, 2}});
    const auto start = std::chrono::steady_clock::now();
    Future both = client.submit(Task{"where_sum", {}, {small.key(), large.key()}});
    client.wait(both);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 1.5) << "the fetch from the sleeping worker had to wait for its kernel";
    client.wait(nap);
  });
}

TEST(Scheduling, IntermediatesAreReleasedAndTheirMemoryFreed) {
  run_on_cluster([](Client& client) {
    Graph g;
    std::vector<TaskKey> leaves;
    for (int i = 0; i < 8; ++i) leaves.push_back(g.add(fill(1000, 100, double(i))));  // 800 kB each
    const TaskKey total = reduce<Sum>(g, leaves);
    const TaskKey doubled = g.add(Task{"scale", {{"factor", 2.0}}, {total}});
    std::vector<Future> futures = client.submit(g, {doubled});
    client.wait(futures);
    std::uint64_t bytes = 0, keys = 0;
    for (const auto& s : client.store_stats()) {
      bytes += s.bytes;
      keys += s.keys;
    }
    EXPECT_EQ(keys, 1u) << "only the requested output may stay";
    EXPECT_EQ(bytes, 1000u * 100u * 8u);
    EXPECT_EQ((*client.gather(futures[0]))[0](0, 0), 2.0 * 28.0);
    futures.clear();  // the last reference: the output goes too
    bytes = keys = 0;
    for (const auto& s : client.store_stats()) {
      bytes += s.bytes;
      keys += s.keys;
    }
    EXPECT_EQ(keys, 0u);
    EXPECT_EQ(bytes, 0u);
  });
}

TEST(Scheduling, IdenticalTasksRunOnce) {
  run_on_cluster([](Client& client) {
    Future a = client.submit(fill(2, 2, 3.0));
    Future b = client.submit(fill(2, 2, 3.0));
    EXPECT_EQ(a.key(), b.key());
    client.wait(b);
    EXPECT_EQ(client.stats().executed, 1u);
    EXPECT_EQ(client.stats().deduplicated, 1u);
  });
}

TEST(Scheduling, DriverGrowsTheGraphFromGatheredResults) {
  run_on_cluster([](Client& client) {
    Future x = client.submit(Task{"ramp", {{"n", std::int64_t{4}}, {"start", 0.0}}, {}});
    int steps = 0;
    while ((*client.gather(x))[0](0, 0) < 7.0) {  // the decision depends on the value just computed
      x = client.submit(Task{"add_one", {}, {x.key()}});
      ++steps;
    }
    EXPECT_EQ(steps, 7);
    const Eigen::MatrixXd v = (*client.gather(x))[0];
    for (int k = 0; k < 4; ++k) EXPECT_EQ(v(k, 0), 7.0 + k);
  });
}

TEST(Scheduling, ReadsAreSpreadInContiguousRangesAcrossWorkers) {
  run_on_cluster([](Client& client) {
    const int w = client.workers();
    std::vector<Future> parts;
    for (std::int64_t i = 0; i < 12; ++i)
      parts.push_back(client.submit(Task{"where", {{"bytes", 8 * (i + 1)}}, {}, Locality{i, 12}}));
    std::vector<double> ranks;
    for (auto& f : parts) ranks.push_back((*client.gather(f))[0](0, 0));
    for (std::size_t i = 0; i < ranks.size(); ++i) {
      const int expected_rank = world().size() == 1 ? 0 : 1 + static_cast<int>(i) * w / 12;
      EXPECT_EQ(ranks[i], expected_rank) << "chunk " << i;
    }
  });
}

}  // namespace

TEST(Scheduling, GatheredValuesBelongToTheCallerAlone) {
  // Rank 0 used to keep every value it gathered, for the whole job.
  run_on_cluster([](Client& client) {
    ValuePtr v;
    {
      Future f = client.submit(Task{"fill", {{"rows", std::int64_t{100}}, {"cols", std::int64_t{100}}, {"value", 2.0}}, {}});
      v = client.gather(f);
      ASSERT_EQ((*v)[0](5, 5), 2.0);
    }  // the future is gone: nobody but the caller may hold the value now
    std::uint64_t held = 0;
    for (const auto& s : client.store_stats()) held += s.keys;
    EXPECT_EQ(held, 0u) << "no rank keeps the result once its future is dropped";
    EXPECT_EQ(v.use_count(), 1) << "rank 0 keeps no copy of what it gathered";
  });
}

}  // namespace tessera::testing
