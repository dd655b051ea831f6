#include "common/stats_render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "common/iso_week.h"
#include "common/measure_words.h"
#include "common/measures_render.h"
#include "common/text_block.h"

namespace haven {
namespace {

using nlohmann::json;

constexpr const char* kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

std::string Days(const json& v) {
  const long long n = v.is_number() ? v.get<long long>() : 0;
  return std::to_string(n) + (n == 1 ? " day" : " days");
}

using Renderer = TextBlock;

void RenderPractice(const json& s, Renderer& r) {
  const json& by_type = s.value("by_type", json::object());
  std::string title = "Practice";
  if (s.value("total", 0) > 0 && s.contains("first") && s["first"].is_string()) {
    title += " · " + Num(s["total"]) + " entries, " + s["first"].get<std::string>() + " to " +
             s["last"].get<std::string>();
  }
  r.Header(title);
  if (by_type.empty()) {
    r.Line("  No entries yet.");
    return;
  }
  std::vector<std::pair<long long, std::string>> rows;
  for (auto it = by_type.begin(); it != by_type.end(); ++it) {
    rows.emplace_back(it->get<long long>(), it.key());
  }
  std::stable_sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.first > b.first; });
  for (const auto& [n, type] : rows) r.Pair(type, std::to_string(n));
}

void RenderDays(const json& s, Renderer& r) {
  if (!s.contains("streak")) return;
  const json& st = s["streak"];
  r.Header("Days");
  r.Pair("Current streak", Days(st.value("current", json(0))));
  r.Pair("Longest streak", Days(st.value("longest", json(0))));
  if (st.contains("last_active") && st["last_active"].is_string()) {
    r.Pair("Last practice", st["last_active"].get<std::string>());
  }
  r.Pair("Active days", Num(s.value("active_days_30", json(0))) + " of the last 30");
}

// Weekly values on a time axis: weeks without a value become `gap` (or 0
// when gap is empty), and only the latest `room` weeks are kept.
struct WeekAxis {
  std::vector<std::optional<double>> values;
  std::string first, last;
};

WeekAxis LastWeeks(const std::vector<std::pair<std::string, double>>& by_label, int room) {
  WeekAxis axis;
  std::optional<int64_t> prev;
  for (const auto& [label, v] : by_label) {
    auto index = WeekIndexOfLabel(label);
    if (prev && index) {
      for (int64_t w = *prev + 1; w < *index && w - *prev < 10'000; ++w) axis.values.push_back({});
    }
    if (index) prev = index;
    axis.values.push_back(v);
  }
  if (static_cast<int>(axis.values.size()) > room) {
    axis.values.erase(axis.values.begin(), axis.values.end() - std::max(0, room));
  }
  if (!by_label.empty()) {
    axis.last = by_label.back().first;
    auto last = WeekIndexOfLabel(axis.last);
    axis.first = last ? WeekLabelOfIndex(*last - static_cast<int64_t>(axis.values.size()) + 1)
                      : by_label.front().first;
  }
  return axis;
}

// Sparkline where a missing week is `gap`.
std::string AxisSparkline(const WeekAxis& axis, double lo, double hi, const std::string& gap) {
  std::string out;
  for (const auto& v : axis.values) out += v ? Sparkline({*v}, lo, hi) : gap;
  return out;
}

void RenderWeeks(const json& s, Renderer& r) {
  const json& weeks = s.value("by_week", json::object());
  if (weeks.empty()) return;
  std::vector<std::pair<std::string, double>> counts;
  double hi = 0;
  for (auto it = weeks.begin(); it != weeks.end(); ++it) {
    counts.emplace_back(it.key(), it->get<double>());
    hi = std::max(hi, it->get<double>());
  }
  WeekAxis axis = LastWeeks(counts, r.width() - 23);
  r.Header("Entries per week");
  r.Pair(axis.first == axis.last ? axis.last : axis.first + "–" + axis.last,
         r.Style("36", AxisSparkline(axis, 0, hi, kBars[0])), 17);
  r.Pair("Latest week", axis.last + ": " + Num(counts.back().second), 17);
}

void RenderScsSf(const json& s, Renderer& r) {
  const json& scs = s.value("scs_sf", json::object());
  if (!scs.contains("latest") || !scs["latest"].is_object()) return;
  const json& latest = scs["latest"];
  r.Header("Self-Compassion Scale (short form)");
  r.Pair("Latest total", Fixed(latest["total"], 2) + " (" + latest.value("band", "") + ") on " +
                             latest.value("at", "").substr(0, 10));
  std::vector<double> totals;
  for (const json& p : scs.value("series", json::array())) totals.push_back(p.value("total", 0.0));
  const int room = r.width() - 22;
  if (static_cast<int>(totals.size()) > room) totals.erase(totals.begin(), totals.end() - room);
  if (totals.size() > 1) r.Pair("Over time", r.Style("36", Sparkline(totals, 1, 5)));
  const json& subs = latest.value("subscales", json::object());
  if (subs.empty()) return;
  r.Line(r.Style("2", Fit("  Subscales (less reliable than the total):", r.width())));
  for (auto it = subs.begin(); it != subs.end(); ++it) {
    std::string name = it.key();
    std::replace(name.begin(), name.end(), '_', ' ');
    r.Pair("  " + name, Fixed(*it, 2), 22);
  }
}

// The numbers of one field row; narrow terminals drop min and max.
std::string FieldNumbers(const json& f, bool compact) {
  char buf[96];
  const std::string slope = Signed(f.value("slope_per_week", json()), 2);
  if (compact) {
    std::snprintf(buf, sizeof buf, " %5s %6s %9s  ", Num(f["n"]).c_str(),
                  Fixed(f["mean"], 1).c_str(), slope.c_str());
  } else {
    std::snprintf(buf, sizeof buf, " %6s %6s %6s %6s %9s  ", Num(f["n"]).c_str(),
                  Fixed(f["mean"], 1).c_str(), Num(f["min"]).c_str(), Num(f["max"]).c_str(),
                  slope.c_str());
  }
  return buf;
}

// Weekly means on the field's own scale when it has one, else their range.
std::string FieldSparkline(const json& f, int cols) {
  std::vector<std::pair<std::string, double>> means;
  double lo = 0, hi = 0;
  for (const json& w : f.value("weekly", json::array())) {
    const double m = w.value("mean", 0.0);
    lo = means.empty() ? m : std::min(lo, m);
    hi = means.empty() ? m : std::max(hi, m);
    means.emplace_back(w.value("week", ""), m);
  }
  if (f.value("range_min", json()).is_number() && f.value("range_max", json()).is_number()) {
    lo = f["range_min"].get<double>(), hi = f["range_max"].get<double>();
  }
  return cols > 0 ? AxisSparkline(LastWeeks(means, cols), lo, hi, " ") : "";
}

void RenderFields(const json& s, Renderer& r) {
  const json all = s.value("fields", json::object());
  json fields = json::object();
  int longest = 10;
  for (auto it = all.begin(); it != all.end(); ++it) {
    // A questionnaire's single items are shown through its scores above.
    if (IsMeasureItem(s, it.key())) continue;
    fields[it.key()] = *it;
    longest = std::max(longest, Columns(it.key()));
  }
  if (fields.empty()) return;
  const bool compact = r.width() < 76;
  const int numbers = compact ? 25 : 40;
  const int name_cols = std::max(8, std::min(longest, r.width() - 2 - numbers - 8));
  const int spark_cols = r.width() - 2 - name_cols - numbers;
  r.Header("Fields");
  const std::string head = compact ? "     n   mean  per week  weekly"
                                   : "      n   mean    min    max  per week  weekly means";
  r.Line(r.Style("2", Fit("  " + Pad("", name_cols) + head, r.width())));
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    r.Line("  " + Pad(it.key(), name_cols) + FieldNumbers(*it, compact) +
           r.Style("36", FieldSparkline(*it, spark_cols)));
  }
}

void RenderDeltas(const json& s, Renderer& r) {
  const json& deltas = s.value("deltas", json::object());
  if (deltas.empty()) return;
  r.Header("Before and after (mean change)");
  int name_cols = 18;
  for (auto it = deltas.begin(); it != deltas.end(); ++it) {
    name_cols = std::max(name_cols, Columns(it.key()));
  }
  name_cols = std::min(name_cols, r.width() / 2);
  for (auto it = deltas.begin(); it != deltas.end(); ++it) {
    r.Pair(it.key(),
           Signed((*it)["mean"], 2) + " over " + Num((*it)["n"]) +
               ((*it)["n"] == 1 ? " entry" : " entries"),
           name_cols);
  }
}

void RenderSummaries(const json& s, Renderer& r) {
  const json& sums = s.value("summaries", json::object());
  if (sums.empty()) return;
  r.Header("From plugins");
  for (auto it = sums.begin(); it != sums.end(); ++it) {
    for (const json& line : *it) {
      if (!line.is_string()) continue;
      r.Line("  " + Fit(it.key() + ": " + line.get<std::string>(), r.width() - 2));
    }
  }
}

}  // namespace

std::string Sparkline(const std::vector<double>& values, double lo, double hi) {
  std::string out;
  for (double v : values) {
    int i = 3;
    if (hi > lo) i = static_cast<int>(std::lround((std::clamp(v, lo, hi) - lo) / (hi - lo) * 7));
    out += kBars[std::clamp(i, 0, 7)];
  }
  return out;
}

std::string RenderStatsTable(const json& stats, const RenderOptions& o) {
  Renderer r(o.color, o.width);
  RenderPractice(stats, r);
  if (stats.value("total", 0) == 0) return r.Take();
  RenderDays(stats, r);
  RenderWeeks(stats, r);
  RenderScsSf(stats, r);
  RenderMeasures(stats.value("measures", json::object()), r);
  RenderFields(stats, r);
  RenderDeltas(stats, r);
  RenderSummaries(stats, r);
  return r.Take();
}

}  // namespace haven
