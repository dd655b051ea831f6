// Values bucketed by ISO week, with the summary `haven stats` shows for one
// numeric field or before/after change. Internal to haven_insights.
#ifndef HAVEN_SERVER_INSIGHTS_WEEKLY_SERIES_H_
#define HAVEN_SERVER_INSIGHTS_WEEKLY_SERIES_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/iso_week.h"  // the weeks a series buckets by

namespace haven {

// Least-squares slope of y on x; nullopt with fewer than two distinct x.
std::optional<double> LeastSquaresSlope(const std::vector<std::pair<double, double>>& points);

// Rounds for display and JSON (3 decimals).
double Round3(double v);

class WeeklySeries {
 public:
  void Add(int64_t day_number, double value);
  // Adds every value `other` holds, as if they had been added here.
  void Merge(const WeeklySeries& other);

  int64_t n() const { return n_; }
  // {n, mean, min, max}; mean/min/max null when n == 0.
  nlohmann::json Summary() const;
  // Summary() plus slope_per_week and weekly: [{week, mean, n}] oldest first.
  nlohmann::json WithTrend() const;

 private:
  struct Bucket {
    double sum = 0;
    int64_t n = 0;
  };
  absl::flat_hash_map<int64_t, Bucket> weeks_;  // by week index; sorted for output
  int64_t n_ = 0;
  double sum_ = 0;
  double min_ = 0;
  double max_ = 0;
};

}  // namespace haven

#endif  // HAVEN_SERVER_INSIGHTS_WEEKLY_SERIES_H_
