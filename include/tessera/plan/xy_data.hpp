#pragma once
/// @file
/// The data of a supervised job (features X and target y in row chunks), checked on rank 0, and
/// the pass every cross-validated model starts from: per-fold augmented Gram matrices.
#include <optional>

#include "tessera/graph/graph.hpp"
#include "tessera/job/job_spec.hpp"
#include "tessera/kernels/cross_validation.hpp"
#include "tessera/plan/chunk_reads.hpp"
#include "tessera/plan/data_source.hpp"
#include "tessera/plan/stratified_folds.hpp"

namespace tessera {

/// The most memory one chunk's per-fold statistics may take (a Gram matrix per fold).
inline constexpr std::int64_t max_fold_statistics_bytes = std::int64_t{1} << 30;

struct XyData {
  MatrixSource x, y;
  std::int64_t chunk_rows = 0;
  std::optional<Strata> strata;  ///< [cv] stratify: found by a pass over y before the fold pass
};

/// Opens X and y and checks what can be checked before any task runs: equal row counts, folds
/// <= rows (and few enough for the per-fold statistics), `most_components` <= features.
XyData open_xy(const JobSpec& job, std::int64_t most_components = 0);

/// The job's fold assignment for the cross-validation kernels of the chunk from row `row_begin`
/// (folds = 0 without [cv]; with strata, that chunk's class offsets).
FoldAssignment fold_assignment(const JobSpec& job, const XyData& data, std::int64_t row_begin);

/// Per chunk, a FoldGram task; the
/// tasks summed up a tree. The result is a FoldGram::Result: one augmented Gram matrix
/// [1 X y]ᵀ[1 X y] per fold (one in all without [cv]).
TaskKey add_fold_grams(Graph& graph, const ChunkReads& reads, const JobSpec& job, const XyData& data);

}  // namespace tessera
