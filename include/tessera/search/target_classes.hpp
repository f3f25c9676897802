#pragma once
/// @file
/// A binary target's classes found on the workers (plan/target_classes: one pass over the target,
/// rank 0 receives at most three values) and reported: the mapping to 0 and 1 goes to the report,
/// the summary ("classes", "positive_class") and the output (dataset `classes`, [negative, positive]).
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "tessera/io/hdf5.hpp"
#include "tessera/plan/data_source.hpp"
#include "tessera/runtime/client.hpp"

namespace tessera {

/// The classes of `y` (read in chunks of `chunk_rows` rows), the positive the larger value unless
/// `positive_class` is given; InputError, naming `y` and what `needs` it, unless `y` holds two
/// values (or one, when `one_class_is_fine`) and `positive_class` is one of them
/// (plan/target_classes' binary_classes). Reports the mapping to `report`.
BinaryClasses find_binary_classes(Client& client, const MatrixSource& y, std::int64_t chunk_rows, std::optional<double> positive_class,
                                  const std::string& needs, std::ostream& report, bool one_class_is_fine = false);

/// `classes` as dataset `classes` of `file` ([negative, positive], as scikit-learn's classes_ when
/// the positive class is the larger) and as the summary's "classes" and "positive_class".
void publish_classes(const BinaryClasses& classes, hid_t file, nlohmann::json& summary);

}  // namespace tessera
