// Ranking and printing a search's candidates, against scikit-learn's rules written out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tessera/error.hpp"
#include "tessera/search/results.hpp"

namespace tessera {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::vector<Candidate> with_scores(const std::vector<std::vector<double>>& scores) {
  std::vector<Candidate> out;
  for (std::size_t i = 0; i < scores.size(); ++i) out.push_back(Candidate{{{"alpha", static_cast<double>(i)}}, scores[i]});
  return out;
}

TEST(Search, NanMeansRankLastAndTieWithEachOther) {
  // scikit-learn 1.2: NaN means are replaced by (the smallest mean − 1), then ranked with
  // rankdata(method="min"): ties share the smallest rank.
  auto c = with_scores({{0.5, 0.5}, {nan, 0.9}, {0.7, 0.7}, {0.1, nan}, {0.6, 0.8}});
  const std::size_t best = rank_candidates(c, "r2");
  EXPECT_EQ(best, 2u) << "the first of rank 1";
  EXPECT_EQ(c[2].rank, 1);
  EXPECT_EQ(c[4].rank, 1);  // 0.7 as well
  EXPECT_EQ(c[0].rank, 3);
  EXPECT_EQ(c[1].rank, 4);
  EXPECT_EQ(c[3].rank, 4);
  EXPECT_TRUE(std::isnan(c[1].mean));
  EXPECT_TRUE(std::isnan(c[1].std));
}

TEST(Search, EveryCandidateNanIsAnError) {
  auto c = with_scores({{nan, 0.1}, {0.2, nan}});
  try {
    rank_candidates(c, "roc_auc");
    FAIL() << "a search with no defined score has no best candidate";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("holds only one class"), std::string::npos) << e.what();
  }
}

TEST(Search, RankingAMillionCandidatesIsOrdinaryWork) {
  std::vector<Candidate> c(1'000'000);
  for (std::size_t i = 0; i < c.size(); ++i) c[i].scores = {static_cast<double>((i * 7919) % 1000)};
  rank_candidates(c, "r2");
  EXPECT_EQ(c[0].rank, 1 + 999 * 1000) << "score 0: beaten by the 999 x 1000 higher ones";
}

TEST(Search, DigitsEnoughToTellValuesApart) {
  EXPECT_EQ(digits_to_tell_apart({0.25, 0.5}), 6);
  EXPECT_EQ(digits_to_tell_apart({0.123456789012, 0.123456789013}), 12);
  EXPECT_EQ(digits_to_tell_apart({1.0, 1.0, nan}), 6) << "equal values and NaNs need nothing";
}

}  // namespace
}  // namespace tessera
