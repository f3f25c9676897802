// The chunk-size model: "auto" against an exhaustive search over every chunk size, and the
// advice's two cases.
#include <gtest/gtest.h>

#include <algorithm>

#include "tessera/plan/chunk_advice.hpp"

namespace tessera {
namespace {

MatrixSource source(std::int64_t rows, std::int64_t cols, std::int64_t file_chunk) {
  return MatrixSource{"d.h5", "X", rows, cols, file_chunk, "float64"};
}

/// The model's best time over every chunk size that fits in memory: the reference auto is held to.
double exhaustive_best(const MatrixSource& s, int workers, const ChunkCostModel& m) {
  double best = predicted_pass_seconds(s, 1, workers, m);
  const std::int64_t step = std::max<std::int64_t>(1, s.rows / 20'000);
  for (std::int64_t r = 1; r <= s.rows; r += step)
    if (static_cast<double>(r) * 8.0 * static_cast<double>(s.cols + 1) <= m.most_chunk_bytes)
      best = std::min(best, predicted_pass_seconds(s, r, workers, m));
  return best;
}

TEST(ChunkAdvice, AutoIsWithinTenPercentOfTheBestChunkSizeAtAnyScale) {
  const ChunkCostModel m;
  for (const std::int64_t rows : {1'000, 200'000, 4'000'000, 100'000'000})
    for (const std::int64_t cols : {4, 64, 500})
      for (const std::int64_t file_chunk : {0, 100, 65'536})
        for (const int workers : {1, 2, 8, 63, 1'024, 10'000}) {
          const MatrixSource s = source(rows, cols, file_chunk);
          const std::int64_t chosen = auto_chunk_rows(s, workers, m);
          SCOPED_TRACE(testing::Message() << rows << " x " << cols << ", file chunk " << file_chunk << ", " << workers
                                          << " workers: chose " << chosen);
          ASSERT_GE(chosen, 1);
          ASSERT_LE(chosen, rows);
          // 1.1 for keeping the file's chunking, 1.05 for the candidates' granularity.
          EXPECT_LE(predicted_pass_seconds(s, chosen, workers, m), 1.1 * 1.05 * exhaustive_best(s, workers, m));
        }
}

TEST(ChunkAdvice, AutoKeepsAGoodFileChunkingSoTheBitsDoNotDependOnTheWorkers) {
  // 4,000,000 x 64 in the file's 65,536-row chunks (62 of them): good for 1 to 4 workers alike.
  const MatrixSource s = source(4'000'000, 64, 65'536);
  for (const int workers : {1, 2, 3, 4}) {
    EXPECT_EQ(auto_chunk_rows(s, workers), 65'536) << workers;
    EXPECT_FALSE(chunking_advice(s, 65'536, workers)) << workers;
  }
  // 63 workers: one would have no chunk, so "auto" takes smaller ones; but a pass takes tens of
  // milliseconds either way, not worth a warning.
  EXPECT_LT(auto_chunk_rows(s, 63), 65'536);
  EXPECT_FALSE(chunking_advice(s, 65'536, 63));
}

TEST(ChunkAdvice, ManyWorkersGetChunksLongEnoughForRankZeroOrAsLongAsMemoryAllows) {
  const ChunkCostModel m;
  const MatrixSource s = source(4'000'000'000, 64, 65'536);
  const auto seconds_of = [&](std::int64_t rows) {
    return m.worker_seconds_per_chunk + static_cast<double>(rows) * 8 * 65 / m.worker_bytes_per_second;
  };
  // 1,000 workers: the rule of docs/scaling.md, a chunk's time at least workers x rank 0's time
  // per chunk, can be met.
  const auto advice = chunking_advice(s, 65'536, 1'000, m);
  ASSERT_TRUE(advice);
  EXPECT_NE(advice->find("too short for 1000 workers"), std::string::npos) << *advice;
  const std::int64_t chosen = auto_chunk_rows(s, 1'000, m);
  EXPECT_GE(seconds_of(chosen), 1'000 * m.rank0_seconds_per_chunk) << chosen;
  EXPECT_EQ(chosen % 1024, 0);
  // 10,000 workers: it cannot (a chunk would need 800 MB): as large as memory allows.
  const std::int64_t largest = auto_chunk_rows(s, 10'000, m);
  EXPECT_LE(static_cast<double>(largest) * 8 * 65, m.most_chunk_bytes);
  EXPECT_GT(static_cast<double>(largest) * 8 * 65, 0.9 * m.most_chunk_bytes);  // the candidates' 5% steps
}

TEST(ChunkAdvice, TooFewChunksNameTheIdleWorkers) {
  const MatrixSource s = source(1'200'000, 16, 600'000);
  const auto advice = chunking_advice(s, 600'000, 8);
  ASSERT_TRUE(advice);
  EXPECT_NE(advice->find("d.h5:X: 2 chunks of 600000 rows for 8 workers leave 6 of them with nothing to do"), std::string::npos)
      << *advice;
  // The same shape at a tenth of the size: a pass of milliseconds, no advice.
  EXPECT_FALSE(chunking_advice(source(120'000, 16, 60'000), 60'000, 8));
}

}  // namespace
}  // namespace tessera
