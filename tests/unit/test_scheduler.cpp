// The scheduler's decisions (placement, in-flight limits, release), without MPI.
#include <gtest/gtest.h>

#include "tessera/error.hpp"
#include "tessera/runtime/scheduler.hpp"

namespace tessera {
namespace {

Task leaf(std::int64_t i, std::optional<Locality> loc = std::nullopt) { return Task{"leaf", {{"i", i}}, {}, loc}; }

/// Runs every dispatched task "on" its rank with the given result size.
std::map<TaskKey, int> run_all(Scheduler& s, std::uint64_t bytes = 8) {
  std::map<TaskKey, int> where;
  for (auto ready = s.dispatch(); !ready.empty(); ready = s.dispatch())
    for (auto& [rank, task] : ready) {
      where[task.key] = rank;
      s.finished(rank, protocol::Done{task.key, bytes, 0});
    }
  return where;
}

TEST(Scheduler, LocalityHintsGiveEachWorkerAContiguousRange) {
  Scheduler s({1, 2, 3}, 64);
  std::vector<TaskKey> keys;
  for (std::int64_t i = 0; i < 9; ++i) {
    const Task t = leaf(i, Locality{i, 9});
    keys.push_back(t.key());
    s.add(t.key(), t);
    s.retain(t.key());
  }
  const auto where = run_all(s);
  for (std::size_t i = 0; i < 9; ++i) EXPECT_EQ(where.at(keys[i]), 1 + static_cast<int>(i / 3)) << i;
}

TEST(Scheduler, TaskGoesWhereMostOfItsInputBytesAre) {
  Scheduler s({1, 2}, 64);
  const Task a = leaf(0, Locality{0, 2}), b = leaf(1, Locality{1, 2});
  s.add(a.key(), a);
  s.add(b.key(), b);
  s.retain(a.key());  // kept for the consumer added later
  s.retain(b.key());
  auto first = s.dispatch();
  ASSERT_EQ(first.size(), 2u);
  s.finished(1, {a.key(), 100, 0});
  s.finished(2, {b.key(), 5000, 0});
  const Task c{"sum", {}, {a.key(), b.key()}};
  s.add(c.key(), c);
  auto next = s.dispatch();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].first, 2);
  ASSERT_EQ(next[0].second.inputs.size(), 2u);
  EXPECT_EQ(next[0].second.inputs[0].holder, 1);
  EXPECT_EQ(next[0].second.inputs[1].holder, 2);
}

TEST(Scheduler, InFlightLimitPerWorker) {
  Scheduler s({1, 2}, 3);
  for (std::int64_t i = 0; i < 20; ++i) {
    const Task t = leaf(i);
    s.add(t.key(), t);
  }
  const auto ready = s.dispatch();
  EXPECT_EQ(ready.size(), 6u);
  std::map<int, int> per_rank;
  for (const auto& [rank, task] : ready) ++per_rank[rank];
  EXPECT_EQ(per_rank[1], 3);
  EXPECT_EQ(per_rank[2], 3);
  EXPECT_TRUE(s.dispatch().empty()) << "no room until something finishes";
  s.finished(ready[0].first, {ready[0].second.key, 0, 0});
  EXPECT_EQ(s.dispatch().size(), 1u);
}

TEST(Scheduler, ResultReleasedAfterLastConsumerUnlessReferenced) {
  Scheduler s({1}, 64);
  const Task a = leaf(0);
  const Task b{"use", {}, {a.key()}}, c{"use2", {}, {a.key()}};
  s.add(a.key(), a);
  s.add(b.key(), b);
  s.add(c.key(), c);
  s.retain(c.key());  // c is the requested output
  run_all(s);
  const auto released = s.take_releases();
  ASSERT_EQ(released.count(1), 1u);
  const auto& keys = released.at(1);
  EXPECT_NE(std::find(keys.begin(), keys.end(), a.key()), keys.end()) << "a is dead once b and c are done";
  EXPECT_NE(std::find(keys.begin(), keys.end(), b.key()), keys.end()) << "nobody wants b";
  EXPECT_EQ(std::find(keys.begin(), keys.end(), c.key()), keys.end()) << "c is referenced";
  s.drop(c.key());
  EXPECT_EQ(s.take_releases().at(1), std::vector<TaskKey>{c.key()});
}

TEST(Scheduler, UnknownInputIsAnError) {
  Scheduler s({1}, 64);
  const Task orphan{"use", {}, {TaskKey::named("nowhere")}};
  EXPECT_THROW(s.add(orphan.key(), orphan), Error);
}

TEST(Scheduler, ReleasedResultsAreComputedAgainWhenNeeded) {
  Scheduler s({1}, 64);
  const Task a = leaf(0);
  const Task b{"use", {}, {a.key()}};
  s.add(a.key(), a);
  s.add(b.key(), b);
  EXPECT_EQ(run_all(s).size(), 2u);
  EXPECT_EQ(s.take_releases().at(1).size(), 2u) << "nobody holds a or b";
  // A consumer of the released b arrives later: b, and a before it, run again.
  const Task c{"use2", {}, {b.key()}};
  EXPECT_TRUE(s.add(c.key(), c));
  s.retain(c.key());
  const auto again = run_all(s);
  EXPECT_EQ(again.size(), 3u);
  EXPECT_TRUE(s.done(c.key()));
  EXPECT_EQ(s.unfinished(), 0u);
  // Resubmitting a released key by itself revives it too.
  EXPECT_FALSE(s.add(a.key(), a));
  s.retain(a.key());
  EXPECT_EQ(run_all(s).size(), 1u);
  EXPECT_TRUE(s.done(a.key()));
}

TEST(Scheduler, TasksStartInSubmissionOrder) {
  Scheduler s({1}, 2);
  std::vector<TaskKey> keys;
  for (std::int64_t i = 0; i < 5; ++i) {
    const Task t = leaf(i);
    keys.push_back(t.key());
    s.add(t.key(), t);
  }
  const auto ready = s.dispatch();
  ASSERT_EQ(ready.size(), 2u);
  EXPECT_EQ(ready[0].second.key, keys[0]);
  EXPECT_EQ(ready[1].second.key, keys[1]);
  EXPECT_LT(ready[0].second.priority, ready[1].second.priority);
}

// A dispatch visits only the workers whose state changed (so it costs no O(workers) per task):
// a worker found with nothing to start must still get work that arrives for it later.
TEST(Scheduler, WorkersFoundIdleGetWorkThatArrivesLater) {
  Scheduler s({1, 2, 3, 4}, 1);
  EXPECT_TRUE(s.dispatch().empty()) << "nothing submitted: every worker found idle";
  const Task shared = leaf(0);
  s.add(shared.key(), shared);
  auto ready = s.dispatch();
  ASSERT_EQ(ready.size(), 1u) << "shared work reaches a worker found idle before it arrived";
  const int first = ready[0].first;

  // Work placed on worker 4 (its locality), which has been found idle twice by now.
  const Task placed = leaf(1, Locality{3, 4});
  s.add(placed.key(), placed);
  ready = s.dispatch();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].first, 4);

  // The first worker is full (max one in flight); a second shared task goes elsewhere, and a
  // third one waits for a free worker rather than being lost.
  std::vector<TaskKey> more;
  for (std::int64_t i = 2; i < 5; ++i) {
    const Task t = leaf(i);
    more.push_back(t.key());
    s.add(t.key(), t);
  }
  ready = s.dispatch();
  ASSERT_EQ(ready.size(), 2u) << "two workers have room";
  for (const auto& [rank, task] : ready) EXPECT_TRUE(rank != first && rank != 4) << rank;
  EXPECT_TRUE(s.dispatch().empty()) << "every worker full";
  s.finished(first, protocol::Done{shared.key(), 8, 0});
  ready = s.dispatch();
  ASSERT_EQ(ready.size(), 1u) << "the worker that finished takes the waiting task";
  EXPECT_EQ(ready[0].first, first);
  EXPECT_EQ(ready[0].second.key, more[2]);
}

TEST(Scheduler, AnUnknownRankIsAnError) {
  Scheduler s({1, 2}, 4);
  const Task t = leaf(0);
  s.add(t.key(), t);
  const auto ready = s.dispatch();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_THROW(s.finished(7, protocol::Done{t.key(), 8, 0}), Error);
}

}  // namespace
}  // namespace tessera
