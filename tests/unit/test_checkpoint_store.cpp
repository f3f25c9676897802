// The checkpoint store's pieces without MPI: pack files (what counts as written, what a reader
// refuses), the scheduler's stored tasks, and kernel versions in keys.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tessera/core/contract.hpp"
#include "tessera/error.hpp"
#include "tessera/io/pack_file.hpp"
#include "tessera/plan/tasks.hpp"
#include "tessera/runtime/checkpoint.hpp"
#include "tessera/runtime/scheduler.hpp"

namespace tessera {
namespace {
namespace fs = std::filesystem;

class PackDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tessera-pack-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directory(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir() const { return dir_.string(); }
  fs::path dir_;
};

Value sample(double seed) {
  Eigen::MatrixXd a(3, 2), b(1, 1);
  a << seed, 2, 3, 4, 5, seed * 7;
  b << -seed;
  return Value::of(std::move(a), std::move(b), Eigen::MatrixXd(0, 4));
}

TEST_F(PackDir, RecordsReadBackExactlyOnceFlushed) {
  PackWriter writer(dir(), "run-0001.rank-1.pack");
  writer.append(TaskKey{1, 2}, sample(1.5));
  EXPECT_TRUE(read_pack_indexes(dir()).empty()) << "a record counts only once flushed";
  writer.append(TaskKey{3, 4}, sample(-0.25));
  writer.flush();
  const auto entries = read_pack_indexes(dir());
  ASSERT_EQ(entries.size(), 2u);
  const Value back = read_pack_record(dir(), TaskKey{3, 4}, entries[1].location);
  const Value want = sample(-0.25);
  ASSERT_EQ(back.blocks.size(), want.blocks.size());
  for (std::size_t i = 0; i < want.blocks.size(); ++i) {
    EXPECT_EQ(back.blocks[i].rows(), want.blocks[i].rows());
    EXPECT_EQ(back.blocks[i].cols(), want.blocks[i].cols());
    EXPECT_TRUE(back.blocks[i] == want.blocks[i]);
  }
  EXPECT_THROW(read_pack_record(dir(), TaskKey{9, 9}, entries[1].location), IoError) << "another key's record";
}

TEST_F(PackDir, ATornIndexEntryIsSkippedAndCounted) {
  {
    PackWriter writer(dir(), "p.pack");
    writer.append(TaskKey{1, 1}, sample(1));
    writer.append(TaskKey{2, 2}, sample(2));
    writer.flush();
  }
  const std::string index = dir() + "/p.pack.idx";
  fs::resize_file(index, fs::file_size(index) - 5);  // killed while writing the last entry
  std::uint64_t skipped = 0;
  const auto entries = read_pack_indexes(dir(), &skipped);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].key, (TaskKey{1, 1}));
  EXPECT_EQ(skipped, 1u);
}

TEST_F(PackDir, DamagedRecordsAreRefusedSayingWhy) {
  {
    PackWriter writer(dir(), "p.pack");
    writer.append(TaskKey{1, 1}, sample(1));
    writer.flush();
  }
  const auto entry = read_pack_indexes(dir()).at(0);
  {
    std::fstream f(dir() + "/p.pack", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f.put('\x7f');
  }
  try {
    read_pack_record(dir(), entry.key, entry.location);
    FAIL() << "a flipped byte must be found";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("fails its checksum"), std::string::npos) << e.what();
  }
  fs::resize_file(dir() + "/p.pack", 30);
  try {
    read_pack_record(dir(), entry.key, entry.location);
    FAIL() << "a truncated record must be found";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
}

TEST_F(PackDir, CheckpointThreadWritesWhatIsKeptAndFlushes) {
  Checkpoint checkpoint;
  checkpoint.configure(dir(), "c.pack");
  for (std::uint64_t i = 0; i < 50; ++i) checkpoint.keep(TaskKey{i, i}, std::make_shared<const Value>(sample(static_cast<double>(i))));
  ASSERT_TRUE(checkpoint.flushed(std::chrono::steady_clock::now() + std::chrono::seconds(30)));
  EXPECT_EQ(checkpoint.stored(), 50u);
  const auto entries = read_pack_indexes(dir());
  ASSERT_EQ(entries.size(), 50u);
  const Value v = checkpoint.load(TaskKey{7, 7}, entries[7].location);
  EXPECT_EQ(v.blocks[0](0, 0), 7.0);
  EXPECT_FALSE(checkpoint.take_warning());
}

TEST_F(PackDir, AStoreThatCannotWriteWarnsOnceAndStopsStoring) {
  Checkpoint checkpoint;
  checkpoint.configure(dir() + "/no-such-dir", "c.pack");
  checkpoint.keep(TaskKey{1, 1}, std::make_shared<const Value>(sample(1)));
  ASSERT_TRUE(checkpoint.flushed(std::chrono::steady_clock::now() + std::chrono::seconds(30)));
  const auto warning = checkpoint.take_warning();
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("the job goes on without storing more results"), std::string::npos) << *warning;
  checkpoint.keep(TaskKey{2, 2}, std::make_shared<const Value>(sample(2)));
  EXPECT_TRUE(checkpoint.flushed(std::chrono::steady_clock::now() + std::chrono::seconds(1)));
  EXPECT_FALSE(checkpoint.take_warning()) << "one warning";
  EXPECT_EQ(checkpoint.stored(), 0u);
}

Task leaf(std::int64_t i) { return Task{"leaf", {{"i", i}}, {}}; }

TEST(SchedulerStore, AStoredTaskIsAReadThatNeedsNoInputs) {
  Scheduler s({1, 2}, 64);
  const Task a = leaf(0), b = leaf(1);
  const Task sum{"sum", {}, {a.key(), b.key()}};
  // Only the sum is submitted: its inputs are never known, and it is ready at once.
  const PackLocation at{"run-0001.rank-1.pack", 0, 100, 42};
  s.add(sum.key(), sum, &at);
  s.retain(sum.key());
  auto ready = s.dispatch();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_TRUE(ready[0].second.from_store);
  EXPECT_TRUE(ready[0].second.inputs.empty());
  EXPECT_EQ(ready[0].second.stored.file, at.file);
  s.finished(ready[0].first, protocol::Done{sum.key(), 8, 0, true});
  EXPECT_TRUE(s.done(sum.key()));
  EXPECT_EQ(s.loaded(), 1u);
}

TEST(SchedulerStore, AnUnreadableStoredResultIsComputedFromItsInputs) {
  Scheduler s({1}, 64);
  const Task a = leaf(0), b = leaf(1);
  const Task sum{"sum", {}, {a.key(), b.key()}};
  const PackLocation at{"p.pack", 0, 100, 42};
  s.add(sum.key(), sum, &at);
  s.retain(sum.key());
  auto ready = s.dispatch();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_THROW(s.compute_instead(1, sum.key()), Error) << "its inputs were never submitted";
  s.add(a.key(), a);
  s.add(b.key(), b);
  s.compute_instead(1, sum.key());
  std::vector<std::string> ran;
  for (auto batch = s.dispatch(); !batch.empty(); batch = s.dispatch())
    for (auto& [rank, task] : batch) {
      EXPECT_FALSE(task.from_store);
      ran.push_back(task.kernel);
      s.finished(rank, protocol::Done{task.key, 8, 0});
    }
  EXPECT_EQ(ran, (std::vector<std::string>{"leaf", "leaf", "sum"}));
  EXPECT_TRUE(s.done(sum.key()));
  EXPECT_EQ(s.loaded(), 0u);
}

struct Versioned {
  static constexpr const char* name = "versioned";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 0;
  static constexpr std::uint32_t version = 2;
  using Params = NoFields;
  using Result = NoFields;
};
struct Unversioned {
  static constexpr const char* name = "versioned";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 0;
  using Params = NoFields;
  using Result = NoFields;
};

struct Combine {
  static constexpr const char* name = "combine";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  using Params = NoFields;
  using Result = NoFields;
};

TEST(KernelVersion, IsPartOfEveryKeySoOldResultsStopMatching) {
  EXPECT_EQ(version_of<Versioned>(), 2u);
  EXPECT_EQ(version_of<Unversioned>(), 1u);
  EXPECT_NE(task_of<Versioned>({}, {}).key(), task_of<Unversioned>({}, {}).key());
  // And it reaches everything downstream: a reduction over the new kernel's results is new too.
  Graph g1, g2;
  const TaskKey r1 = reduce<Combine>(g1, {g1.add(task_of<Versioned>({}, {})), g1.add(Task{"x", {}, {}})});
  const TaskKey r2 = reduce<Combine>(g2, {g2.add(task_of<Unversioned>({}, {})), g2.add(Task{"x", {}, {}})});
  EXPECT_NE(r1, r2);
}

}  // namespace
}  // namespace tessera
