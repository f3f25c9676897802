#include "jobs/evaluate/evaluate_figures.hpp"

#include <fmt/format.h>

namespace tessera {

std::vector<report::Section> evaluate_figures(const ResultsFile& results, const nlohmann::json&) {
  if (!results.has("confusion_matrix")) return {};  // regression metrics: numbers, no picture
  const auto cm = results.numbers("confusion_matrix");  // [[TN, FP], [FN, TP]]
  report::Section section{"Classification", "", {}};
  section.blocks.push_back(report::svg(report::Heatmap{"Confusion matrix (rows: truth, columns: prediction)",
                                                       {"predicted class"},
                                                       {"true class"},
                                                       {"0", "1"},
                                                       {"0", "1"},
                                                       {{cm.at(0), cm.at(1)}, {cm.at(2), cm.at(3)}}}));
  if (results.has("roc_fpr") && results.has("roc_tpr")) {
    report::Series curve{fmt::format("ROC (AUC {:.4f})", results.has("roc_auc") ? results.number("roc_auc") : 0.0),
                         results.numbers("roc_fpr"), results.numbers("roc_tpr"), {}};
    curve.points = curve.x.size() <= 50;
    report::Series chance{"chance", {0, 1}, {0, 1}, {}};
    chance.points = false;
    chance.dashed = true;
    section.blocks.push_back(report::svg(
        report::LineChart{"ROC curve", {"false positive rate"}, {"true positive rate"}, {std::move(curve), std::move(chance)}}));
  }
  section.intro = fmt::format("{:.0f} rows; accuracy {:.4f}; predicted 1 when p > 0.5.", results.number("rows"),
                              results.has("accuracy") ? results.number("accuracy") : 0.0);
  return {section};
}

}  // namespace tessera
