#pragma once
/// @file
/// [predict] carried out: the prediction graph (plan/predictions) run on the workers, which write
/// the rows straight into the output file, and the metrics against the truth published first.
#include <Eigen/Core>
#include <ostream>

#include <nlohmann/json.hpp>

#include "tessera/io/output_file.hpp"
#include "tessera/plan/predictions.hpp"
#include "tessera/runtime/client.hpp"

namespace tessera {

/// Writes `predictions` (and, for a classifier — one with its target's `classes` — the labels in
/// the user's encoding and `probabilities`) for every row of `data`; with a
/// truth, its metrics go to the output's group `evaluation` and to `report` first, and are
/// returned ({"metrics", "kind"}); else null. Closes `output`'s HDF5 file: the workers write the
/// rows into it with pwrite.
nlohmann::json write_predictions(Client& client, const PredictData& data, const Eigen::VectorXd& coef, double intercept,
                                 const std::optional<BinaryClasses>& classes, OutputFile& output, std::ostream& report);

}  // namespace tessera
