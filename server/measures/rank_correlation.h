// Spearman's rank correlation, for "Practice and measures" (docs/design.md,
// "Measures").
#ifndef HAVEN_SERVER_MEASURES_RANK_CORRELATION_H_
#define HAVEN_SERVER_MEASURES_RANK_CORRELATION_H_

#include <optional>
#include <vector>

namespace haven {

// 1-based ranks of `values`; tied values share the mean of their ranks
// ({10, 20, 20, 30} -> {1, 2.5, 2.5, 4}).
std::vector<double> AverageRanks(const std::vector<double>& values);

// Spearman's rho of paired columns: the Pearson correlation of their
// average ranks, in [-1, 1]. nullopt when the columns differ in length,
// hold fewer than two pairs, or either is constant (rho is undefined).
std::optional<double> SpearmanRho(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace haven

#endif  // HAVEN_SERVER_MEASURES_RANK_CORRELATION_H_
