#include "tessera/search/target_classes.hpp"

#include <fmt/format.h>

#include "tessera/core/contract.hpp"
#include "tessera/kernels/classes.hpp"
#include "tessera/plan/target_classes.hpp"

namespace tessera {

BinaryClasses find_binary_classes(Client& client, const MatrixSource& y, std::int64_t chunk_rows, std::optional<double> positive_class,
                                  const std::string& needs, std::ostream& report, bool one_class_is_fine) {
  Graph graph;
  const TaskKey found = add_distinct_values(graph, y, chunk_rows);
  const auto first = from_value<DistinctValues::Result>(*client.gather(client.submit(graph, {found}).front()));
  const BinaryClasses classes = binary_classes(first.values, y, positive_class, needs, one_class_is_fine);
  report << fmt::format("classes of {}:{}: {} (read as 0) and {} (read as 1, the positive class)\n", y.path, y.dataset,
                        class_name(classes.negative), class_name(classes.positive));
  return classes;
}

void publish_classes(const BinaryClasses& classes, hid_t file, nlohmann::json& summary) {
  const double values[2] = {classes.negative, classes.positive};
  hdf5::write_matrix(file, "classes", values, 2, 0);
  summary["classes"] = {classes.negative, classes.positive};
  summary["positive_class"] = classes.positive;
}

}  // namespace tessera
