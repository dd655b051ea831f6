#include "server/measures/rank_correlation.h"

#include <gtest/gtest.h>

#include <cmath>

namespace haven {
namespace {

TEST(AverageRanksTest, TiesShareTheMeanOfTheirRanks) {
  EXPECT_EQ(AverageRanks({10, 20, 20, 30}), (std::vector<double>{1, 2.5, 2.5, 4}));
  EXPECT_EQ(AverageRanks({5, 5, 5}), (std::vector<double>{2, 2, 2}));
  EXPECT_EQ(AverageRanks({3, 1, 2}), (std::vector<double>{3, 1, 2}));
  EXPECT_TRUE(AverageRanks({}).empty());
}

TEST(SpearmanRhoTest, PerfectOrderIsOneAndReversedIsMinusOne) {
  EXPECT_DOUBLE_EQ(*SpearmanRho({1, 2, 3, 4}, {10, 20, 30, 45}), 1.0);
  EXPECT_DOUBLE_EQ(*SpearmanRho({1, 2, 3, 4}, {9, 7, 3, 1}), -1.0);
  // Ranks, not values: a monotone but curved relation is still perfect.
  EXPECT_DOUBLE_EQ(*SpearmanRho({1, 2, 3, 4}, {1, 4, 9, 1000}), 1.0);
}

TEST(SpearmanRhoTest, HandComputedWithoutTies) {
  // Ranks of y: 1 3 2 4; rho = 1 - 6 * 2 / (4 * 15) = 0.8.
  EXPECT_NEAR(*SpearmanRho({1, 2, 3, 4}, {10, 30, 20, 40}), 0.8, 1e-12);
}

TEST(SpearmanRhoTest, HandComputedWithTies) {
  // Ranks of x: 1 2.5 2.5 4 around 2.5; sxy 4.5, sxx 4.5, syy 5.
  EXPECT_NEAR(*SpearmanRho({1, 2, 2, 3}, {1, 2, 3, 4}), 4.5 / std::sqrt(4.5 * 5), 1e-12);
}

TEST(SpearmanRhoTest, UndefinedForConstantColumnsShortOrUnequalInput) {
  EXPECT_FALSE(SpearmanRho({2, 2, 2, 2}, {1, 2, 3, 4}));
  EXPECT_FALSE(SpearmanRho({1, 2, 3, 4}, {7, 7, 7, 7}));
  EXPECT_FALSE(SpearmanRho({1}, {1}));
  EXPECT_FALSE(SpearmanRho({1, 2, 3}, {1, 2}));
}

}  // namespace
}  // namespace haven
