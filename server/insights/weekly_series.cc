#include "server/insights/weekly_series.h"

#include <algorithm>
#include <cmath>

#include "common/time.h"

namespace haven {

std::optional<double> LeastSquaresSlope(const std::vector<std::pair<double, double>>& points) {
  if (points.size() < 2) return std::nullopt;
  double mx = 0, my = 0;
  for (const auto& [x, y] : points) mx += x, my += y;
  mx /= points.size();
  my /= points.size();
  double sxy = 0, sxx = 0;
  for (const auto& [x, y] : points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) * (x - mx);
  }
  if (sxx == 0) return std::nullopt;
  return sxy / sxx;
}

double Round3(double v) {
  const double r = std::round(v * 1000) / 1000;
  return r == 0 ? 0 : r;  // no "-0"
}

void WeeklySeries::Add(int64_t day_number, double value) {
  Bucket& b = weeks_[WeekIndexOfDay(day_number)];
  b.sum += value;
  ++b.n;
  min_ = n_ == 0 ? value : std::min(min_, value);
  max_ = n_ == 0 ? value : std::max(max_, value);
  sum_ += value;
  ++n_;
}

void WeeklySeries::Merge(const WeeklySeries& other) {
  if (other.n_ == 0) return;
  for (const auto& [week, bucket] : other.weeks_) {
    Bucket& b = weeks_[week];
    b.sum += bucket.sum;
    b.n += bucket.n;
  }
  min_ = n_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = n_ == 0 ? other.max_ : std::max(max_, other.max_);
  sum_ += other.sum_;
  n_ += other.n_;
}

nlohmann::json WeeklySeries::Summary() const {
  nlohmann::json j = {{"n", n_}, {"mean", nullptr}, {"min", nullptr}, {"max", nullptr}};
  if (n_ == 0) return j;
  j["mean"] = Round3(sum_ / n_);
  j["min"] = Round3(min_);
  j["max"] = Round3(max_);
  return j;
}

nlohmann::json WeeklySeries::WithTrend() const {
  nlohmann::json j = Summary();
  nlohmann::json weekly = nlohmann::json::array();
  std::vector<std::pair<int64_t, Bucket>> weeks(weeks_.begin(), weeks_.end());
  std::sort(weeks.begin(), weeks.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<double, double>> points;
  for (const auto& [week, b] : weeks) {
    const double mean = b.sum / b.n;
    points.emplace_back(static_cast<double>(week), mean);
    weekly.push_back({{"week", WeekLabelOfIndex(week)}, {"mean", Round3(mean)}, {"n", b.n}});
  }
  const auto slope = LeastSquaresSlope(points);
  j["slope_per_week"] = slope ? nlohmann::json(Round3(*slope)) : nlohmann::json(nullptr);
  j["weekly"] = std::move(weekly);
  return j;
}

}  // namespace haven
