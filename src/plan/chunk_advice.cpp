#include "tessera/plan/chunk_advice.hpp"

#include <algorithm>
#include <mutex>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "tessera/core/log.hpp"

namespace tessera {

namespace {

constexpr std::int64_t default_chunk_rows = 65536;
constexpr std::int64_t row_unit = 1024;  // chosen sizes are multiples of it (or the whole data)

/// A job plans its chunks more than once (a search's passes); one line per dataset is enough.
void log_once(spdlog::level::level_enum level, const std::string& line) {
  static std::mutex mutex;
  static std::set<std::string> said;
  const std::lock_guard lock(mutex);
  if (said.insert(line).second) spdlog::log(level, "{}", line);
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

/// One chunk's time on a worker: a fixed cost, then its rows (X and y) and its result (an
/// augmented Gram matrix, the smallest statistic a chunk sends back) at the worker's rate.
double chunk_seconds(const MatrixSource& s, std::int64_t chunk_rows, const ChunkCostModel& m) {
  const double row_bytes = 8.0 * static_cast<double>(s.cols + 1);
  const double result_bytes = 8.0 * static_cast<double>((s.cols + 2) * (s.cols + 2));
  return m.worker_seconds_per_chunk + (static_cast<double>(chunk_rows) * row_bytes + result_bytes) / m.worker_bytes_per_second;
}

bool fits(const MatrixSource& s, std::int64_t chunk_rows, const ChunkCostModel& m) {
  return static_cast<double>(chunk_rows) * 8.0 * static_cast<double>(s.cols + 1) <= m.most_chunk_bytes;
}


/// The model's best chunk size. The candidates are the file's chunking times powers of two, and
/// the sizes giving 1 to 64 chunks, 1 to 16 chunks per worker, and every 5% step in between;
/// above 1,024 rows, rounded up to a multiple of 1,024.
std::int64_t best_chunk_rows(const MatrixSource& s, int workers, const ChunkCostModel& m) {
  const std::int64_t n = s.rows;
  std::vector<std::int64_t> counts;
  for (std::int64_t c = 1; c <= std::min<std::int64_t>(n, 64); ++c) counts.push_back(c);
  for (std::int64_t per_worker = 1; per_worker <= 16; ++per_worker) counts.push_back(per_worker * workers);
  for (double c = 64; c <= static_cast<double>(n); c *= 1.05) counts.push_back(static_cast<std::int64_t>(c));
  std::vector<std::int64_t> candidates;
  for (const std::int64_t c : counts) {
    const std::int64_t r = ceil_div(n, std::min(c, n));
    candidates.push_back(r > row_unit ? ceil_div(r, row_unit) * row_unit : r);
  }
  for (std::int64_t r = file_chunk_rows(s); r < 2 * n; r *= 2) candidates.push_back(r);
  std::int64_t best = 1;
  double best_seconds = predicted_pass_seconds(s, best, workers, m);
  for (std::int64_t r : candidates) {
    r = std::min(r, n);
    if (!fits(s, r, m)) continue;
    const double t = predicted_pass_seconds(s, r, workers, m);
    // Ties (within 1%) go to the larger chunks: fewer tasks, fewer messages.
    if (t < best_seconds * 0.99 || (t <= best_seconds * 1.01 && r > best)) {
      best = r;
      best_seconds = t;
    }
  }
  return best;
}

}  // namespace

double predicted_pass_seconds(const MatrixSource& s, std::int64_t chunk_rows, int workers, const ChunkCostModel& m) {
  const std::int64_t chunks = ceil_div(s.rows, chunk_rows);
  const double per_chunk = chunk_seconds(s, chunk_rows, m);
  // Rank 0 hands out chunks no faster than its cost allows; the workers take them in rounds (the
  // last round's idle workers are what too few chunks cost); one more chunk's time fills the pipeline.
  const double rank0 = static_cast<double>(chunks) * m.rank0_seconds_per_chunk * m.rank0_headroom;
  const double workers_time = static_cast<double>(ceil_div(chunks, std::max(1, workers))) * per_chunk;
  return std::max(rank0, workers_time) + per_chunk;
}

std::int64_t auto_chunk_rows(const MatrixSource& s, int workers, const ChunkCostModel& m) {
  const std::int64_t usual = std::min(file_chunk_rows(s), s.rows);
  if (workers <= 0) return usual;
  const std::int64_t best = best_chunk_rows(s, workers, m);
  return predicted_pass_seconds(s, usual, workers, m) <= 1.1 * predicted_pass_seconds(s, best, workers, m) ? usual : best;
}

std::optional<std::string> chunking_advice(const MatrixSource& s, std::int64_t chunk_rows, int workers, const ChunkCostModel& m) {
  if (workers <= 0) return std::nullopt;
  const std::int64_t chunks = ceil_div(s.rows, chunk_rows);
  const double per_chunk = chunk_seconds(s, chunk_rows, m);
  std::string problem;
  if (chunks < workers)
    problem = fmt::format("{} chunks of {} rows for {} workers leave {} of them with nothing to do", chunks, chunk_rows, workers,
                          workers - chunks);
  else if (static_cast<double>(workers) * m.rank0_seconds_per_chunk * m.rank0_headroom > per_chunk)
    problem = fmt::format("chunks of {} rows (about {:.2g} ms each) are too short for {} workers: rank 0, at about {:.0f} µs "
                          "per chunk, cannot hand them out as fast as the workers finish them",
                          chunk_rows, per_chunk * 1e3, workers, m.rank0_seconds_per_chunk * 1e6);
  if (problem.empty()) return std::nullopt;
  const std::int64_t best = best_chunk_rows(s, workers, m);
  const double now = predicted_pass_seconds(s, chunk_rows, workers, m), better = predicted_pass_seconds(s, best, workers, m);
  if (now < 1.25 * better || now - better < m.least_saving_seconds) return std::nullopt;  // nothing much better
  return fmt::format("{}:{}: {}; set [data] chunk_rows = {} (or \"auto\"): the cost model in docs/scaling.md predicts a "
                     "pass {:.1f}x faster",
                     s.path, s.dataset, problem, best, now / better);
}

std::int64_t file_chunk_rows(const MatrixSource& s) { return s.chunk_rows > 0 ? s.chunk_rows : default_chunk_rows; }

std::int64_t choose_chunk_rows(const DataSpec& data, const MatrixSource& source) {
  if (data.chunk_rows_auto) {
    const std::int64_t rows = auto_chunk_rows(source, data.workers);
    log_once(spdlog::level::info, fmt::format("{}:{}: chunk_rows = \"auto\" chose {} rows ({} chunks for {} workers)", source.path,
                                              source.dataset, rows, ceil_div(source.rows, rows), data.workers));
    return rows;
  }
  if (data.chunk_rows) return *data.chunk_rows;  // the user's choice, made knowingly: no advice
  const std::int64_t rows = file_chunk_rows(source);
  if (const auto advice = chunking_advice(source, rows, data.workers)) log_once(spdlog::level::warn, *advice);
  return rows;
}

}  // namespace tessera
