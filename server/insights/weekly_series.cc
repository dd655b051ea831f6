#include "server/insights/weekly_series.h"

#include <algorithm>
#include <cmath>

#include "server/util/time.h"

namespace haven {

int64_t WeekIndexOfDay(int64_t day_number) {
  const int64_t d = day_number + 3;  // day -3 (1969-12-29) is a Monday
  return d / 7 - (d % 7 < 0 ? 1 : 0);
}

std::string WeekLabelOfIndex(int64_t week_index) { return IsoWeekLabelOfDay(week_index * 7 - 3); }

std::optional<int64_t> WeekIndexOfLabel(std::string_view label) {
  if (label.size() != 8 || label[4] != '-' || label[5] != 'W') return std::nullopt;
  int64_t year = 0, week = 0;
  for (int i : {0, 1, 2, 3, 6, 7}) {
    if (label[i] < '0' || label[i] > '9') return std::nullopt;
    (i < 4 ? year : week) = (i < 4 ? year : week) * 10 + (label[i] - '0');
  }
  // January 4th is always in week 1.
  const int64_t index = WeekIndexOfDay(DayNumberOfDate(year, 1, 4)) + week - 1;
  if (week < 1 || WeekLabelOfIndex(index) != label) return std::nullopt;
  return index;
}

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
