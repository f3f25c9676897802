#pragma once
/// @file
/// [cv] stratify = true: the pass over the target that counts each chunk's classes
/// (plan/stratified_folds), its report line, and the folds' class counts in the output
/// (`cv_classes`, `cv_fold_class_counts`) and the summary ("stratified").
#include <ostream>

#include <nlohmann/json.hpp>

#include "tessera/io/hdf5.hpp"
#include "tessera/plan/xy_data.hpp"
#include "tessera/runtime/client.hpp"

namespace tessera {

/// The strata of `folds` folds of `in`'s target, read as the later passes read it.
Strata find_strata(Client& client, const XyData& in, std::int64_t folds, std::ostream& report);

void publish_strata(const Strata& strata, const MatrixSource& y, hid_t file, nlohmann::json& summary);

}  // namespace tessera
