#include "server/insights/html_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <utility>
#include <vector>

#include "common/html_escape.h"
#include "common/json_member.h"
#include "common/measure_words.h"
#include "common/time.h"
#include "server/insights/html_measures.h"
#include "server/insights/svg_chart.h"
#include "server/insights/weekly_series.h"

namespace haven {
namespace {

using nlohmann::json;

double NumberOr(const json& v, double fallback) {
  return v.is_number() ? v.get<double>() : fallback;
}

std::string TextOr(const json& v, const std::string& fallback) {
  return v.is_string() ? v.get<std::string>() : fallback;
}

// `digits` decimals, a true minus sign, and no "-0".
std::string Fixed(double v, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, std::abs(v));
  const bool zero = std::string(buf).find_first_not_of("0.") == std::string::npos;
  return (v < 0 && !zero ? "\u2212" : "") + std::string(buf);
}

std::string Signed(double v, int digits) {
  const std::string s = Fixed(v, digits);
  return v > 0 && s.find_first_not_of("0.") != std::string::npos ? "+" + s : s;
}

// Whole numbers without decimals, others with one.
std::string Short(double v) { return Fixed(v, v == std::floor(v) ? 0 : 1); }

std::string Plural(double n, const char* one, const char* many) {
  return Short(n) + " " + (n == 1 ? one : many);
}

std::string TypeTitle(const std::map<std::string, MarkdownType>& types, const std::string& id) {
  auto it = types.find(id);
  return it == types.end() || it->second.title.empty() ? id : it->second.title;
}

// "checkin.mood" -> "Check-in · mood".
std::string KeyTitle(const std::map<std::string, MarkdownType>& types, const std::string& key) {
  const size_t dot = key.rfind('.');
  if (dot == std::string::npos) return key;
  std::string name = key.substr(dot + 1);
  std::replace(name.begin(), name.end(), '_', ' ');
  return TypeTitle(types, key.substr(0, dot)) + " \u00b7 " + name;
}

std::string Tag(const char* tag, const std::string& escaped, const char* cls = nullptr) {
  const std::string attr = cls ? std::string(" class=\"") + cls + "\"" : "";
  return "<" + std::string(tag) + attr + ">" + escaped + "</" + tag + ">";
}

// The ISO weeks the report's charts share, oldest first.
struct WeekSpan {
  int64_t first = 0;
  int64_t last = 0;
  bool cut = false;  // older weeks were left out
  bool Holds(int64_t w) const { return w >= first && w <= last; }
};

std::optional<WeekSpan> ReportWeeks(const json& by_week) {
  std::optional<WeekSpan> span;
  if (!by_week.is_object()) return span;
  for (auto it = by_week.begin(); it != by_week.end(); ++it) {
    auto w = WeekIndexOfLabel(it.key());
    if (!w) continue;
    if (!span) span = WeekSpan{*w, *w};
    span->first = std::min(span->first, *w);
    span->last = std::max(span->last, *w);
  }
  if (span && span->last - span->first + 1 > kReportMaxWeeks) {
    span->first = span->last - kReportMaxWeeks + 1;
    span->cut = true;
  }
  return span;
}

ChartAxis WeekAxis(const WeekSpan& span) {
  return {static_cast<double>(span.first), static_cast<double>(span.last),
          WeekLabelOfIndex(span.first), WeekLabelOfIndex(span.last)};
}

std::string Figure(const std::string& label, const std::string& value) {
  return "<div>" + Tag("dt", HtmlEscape(label)) + Tag("dd", HtmlEscape(value)) + "</div>";
}

std::string Glance(const json& s, const std::map<std::string, MarkdownType>& types) {
  std::string out = "<section class=\"glance\"><h2>At a glance</h2><dl class=\"figures\">";
  const json& streak = Member(s, "streak");
  out += Figure("Entries", Short(NumberOr(Member(s, "total"), 0)));
  out += Figure("Current streak", Plural(NumberOr(Member(streak, "current"), 0), "day", "days"));
  out += Figure("Longest streak", Plural(NumberOr(Member(streak, "longest"), 0), "day", "days"));
  out += Figure("Active days, last 30", Short(NumberOr(Member(s, "active_days_30"), 0)) + " of 30");
  out += "</dl>";
  std::vector<std::pair<double, std::string>> rows;
  const json& by_type = Member(s, "by_type");
  if (by_type.is_object()) {
    for (auto it = by_type.begin(); it != by_type.end(); ++it) {
      rows.emplace_back(NumberOr(*it, 0), it.key());
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.first > b.first; });
  if (!rows.empty()) {
    out +=
        "<table class=\"by-type\"><thead><tr><th>Practice</th><th class=\"num\">Entries</th>"
        "</tr></thead><tbody>";
    for (const auto& [n, type] : rows) {
      out += "<tr>" + Tag("td", HtmlEscape(TypeTitle(types, type))) + Tag("td", Short(n), "num") +
             "</tr>";
    }
    out += "</tbody></table>";
  }
  return out + "</section>";
}

std::string Weeks(const json& s, const WeekSpan& span) {
  ChartSpec chart;
  chart.title = "Entries per ISO week";
  chart.x = WeekAxis(span);
  double most = 0;
  const json& by_week = Member(s, "by_week");
  for (auto it = by_week.begin(); it != by_week.end(); ++it) {
    auto w = WeekIndexOfLabel(it.key());
    if (!w || !span.Holds(*w)) continue;
    const double n = NumberOr(*it, 0);
    most = std::max(most, n);
    chart.points.push_back(
        {static_cast<double>(*w), n, it.key() + ": " + Plural(n, "entry", "entries")});
  }
  chart.y = {0, std::max(1.0, most), "0", Short(std::max(1.0, most))};
  std::string caption = "One bar for each week with entries, " + chart.x.min_label + " to " +
                        chart.x.max_label + "; the fullest week had " +
                        Plural(most, "entry", "entries") + ".";
  if (span.cut)
    caption += " Only the latest " + std::to_string(kReportMaxWeeks) + " weeks are drawn.";
  return "<section class=\"weeks\"><h2>Entries per week</h2><figure>" + SvgBarChart(chart) +
         Tag("figcaption", HtmlEscape(caption)) + "</figure></section>";
}

// A rating's own scale (0 to 10, 1 to 5); for counts and amounts (minutes,
// allowed up to a whole day) zero to the highest value, which shows the
// movement better than the allowed range would.
ChartAxis ValueAxis(const json& f) {
  const json& range_min = Member(f, "range_min");
  const json& range_max = Member(f, "range_max");
  double lo = std::min(0.0, NumberOr(Member(f, "min"), 0));
  double hi = NumberOr(Member(f, "max"), lo);
  if (Member(f, "scale") == true && range_min.is_number() && range_max.is_number()) {
    lo = range_min.get<double>();
    hi = range_max.get<double>();
  }
  if (hi <= lo) hi = lo + 1;
  return {lo, hi, Short(lo), Short(hi)};
}

// The weekly means [{week, mean, n}] that fall within the report's weeks.
std::vector<ChartPoint> WeeklyMeans(const json& weekly, const WeekSpan& span) {
  std::vector<ChartPoint> points;
  if (!weekly.is_array()) return points;
  for (const json& w : weekly) {
    const std::string label = TextOr(Member(w, "week"), "");
    auto index = WeekIndexOfLabel(label);
    if (!index || !span.Holds(*index) || !Member(w, "mean").is_number()) continue;
    const double mean = NumberOr(Member(w, "mean"), 0);
    points.push_back({static_cast<double>(*index), mean,
                      label + ": mean " + Fixed(mean, 1) + " over " +
                          Plural(NumberOr(Member(w, "n"), 0), "entry", "entries")});
  }
  return points;
}

std::string FieldFigure(const std::string& title, const json& f, const WeekSpan& span) {
  ChartSpec chart;
  chart.title = title + ", weekly mean";
  chart.x = WeekAxis(span);
  chart.y = ValueAxis(f);
  chart.points = WeeklyMeans(Member(f, "weekly"), span);
  std::string numbers = Plural(NumberOr(Member(f, "n"), 0), "entry", "entries") + " \u00b7 mean " +
                        Fixed(NumberOr(Member(f, "mean"), 0), 1) + " \u00b7 lowest " +
                        Short(NumberOr(Member(f, "min"), 0)) + " \u00b7 highest " +
                        Short(NumberOr(Member(f, "max"), 0));
  if (Member(f, "slope_per_week").is_number()) {
    numbers += " \u00b7 " + Signed(Member(f, "slope_per_week").get<double>(), 2) + " a week";
  }
  return "<figure class=\"field\">" + Tag("h3", HtmlEscape(title)) +
         Tag("p", HtmlEscape(numbers), "numbers") + SvgLineChart(chart) + "</figure>";
}

std::string Fields(const json& s, const WeekSpan& span,
                   const std::map<std::string, MarkdownType>& types) {
  const json& fields = Member(s, "fields");
  if (!fields.is_object()) return "";
  std::string figures;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    // A questionnaire's single items are shown through its scores below.
    if (IsMeasureItem(s, it.key()) || !it->is_object()) continue;
    figures += FieldFigure(KeyTitle(types, it.key()), *it, span);
  }
  if (figures.empty()) return "";
  return "<section class=\"fields\"><h2>Ratings and measures</h2><p class=\"note\">Each point is "
         "the mean of one week. A rating's axis spans its whole scale; others start at "
         "zero.</p>" +
         figures + "</section>";
}

std::string Deltas(const json& s, const std::map<std::string, MarkdownType>& types) {
  const json& deltas = Member(s, "deltas");
  if (!deltas.is_object() || deltas.empty()) return "";
  std::string out =
      "<section class=\"deltas\"><h2>Before and after</h2><p class=\"note\">The change from "
      "before an exercise to after it; a negative mean is a drop.</p><table><thead><tr>"
      "<th>Change</th><th class=\"num\">Entries</th><th class=\"num\">Mean</th>"
      "<th class=\"num\">Lowest</th><th class=\"num\">Highest</th></tr></thead><tbody>";
  for (auto it = deltas.begin(); it != deltas.end(); ++it) {
    auto cell = [&](const char* key, int digits) {
      const json& v = Member(*it, key);
      return Tag("td", v.is_number() ? Signed(v.get<double>(), digits) : "\u2013", "num");
    };
    out += "<tr>" + Tag("td", HtmlEscape(KeyTitle(types, it.key()))) +
           Tag("td", Short(NumberOr(Member(*it, "n"), 0)), "num") + cell("mean", 2) +
           cell("min", 0) + cell("max", 0) + "</tr>";
  }
  return out + "</tbody></table></section>";
}

std::string ScsSfChart(const json& series) {
  ChartSpec chart;
  chart.title = "Self-Compassion Scale total over time";
  chart.y = {1, 5, "1", "5"};
  chart.guides = {{2.5, "low below 2.5"}, {3.5, "high above 3.5"}};
  for (const json& p : series) {
    const std::string at = TextOr(Member(p, "at"), "");
    auto day = DayOfDateText(at);
    if (!day || !Member(p, "total").is_number()) continue;
    const double total = p["total"].get<double>();
    chart.points.push_back(
        {static_cast<double>(*day), total,
         at.substr(0, 10) + ": " + Fixed(total, 2) + " (" + TextOr(Member(p, "band"), "") + ")"});
  }
  if (chart.points.empty()) return "";
  const double first = chart.points.front().x, last = chart.points.back().x;
  chart.x = {first, last, DateOfDay(static_cast<int64_t>(first)),
             DateOfDay(static_cast<int64_t>(last))};
  return SvgLineChart(chart);
}

std::string ScsSf(const json& s) {
  const json& scs = Member(s, "scs_sf");
  const json& series = Member(scs, "series");
  if (!series.is_array() || series.empty()) return "";
  std::string out = "<section class=\"scs-sf\"><h2>Self-Compassion Scale (short form)</h2>";
  const json& latest = Member(scs, "latest");
  if (latest.is_object()) {
    out += "<p>Latest total <strong>" + Fixed(NumberOr(Member(latest, "total"), 0), 2) +
           "</strong> (" + HtmlEscape(TextOr(Member(latest, "band"), "")) + ") on " +
           HtmlEscape(TextOr(Member(latest, "at"), "").substr(0, 10)) +
           ". Totals run from 1 to 5; higher means more self-compassion.</p>";
  }
  out += "<figure>" + ScsSfChart(series) + "</figure>";
  out +=
      "<table><thead><tr><th>Date</th><th class=\"num\">Total</th><th>Band</th></tr></thead>"
      "<tbody>";
  for (const json& p : series) {
    out += "<tr>" + Tag("td", HtmlEscape(TextOr(Member(p, "at"), "").substr(0, 10))) +
           Tag("td", Fixed(NumberOr(Member(p, "total"), 0), 2), "num") +
           Tag("td", HtmlEscape(TextOr(Member(p, "band"), ""))) + "</tr>";
  }
  out += "</tbody></table>";
  const json& subscales = Member(latest, "subscales");
  if (subscales.is_object() && !subscales.empty()) {
    out +=
        "<h3>Subscales of the latest answers</h3><p class=\"note\">Less reliable than the "
        "total on their own.</p><table><tbody>";
    for (auto it = subscales.begin(); it != subscales.end(); ++it) {
      std::string name = it.key();
      std::replace(name.begin(), name.end(), '_', ' ');
      out += "<tr>" + Tag("td", HtmlEscape(name)) + Tag("td", Fixed(NumberOr(*it, 0), 2), "num") +
             "</tr>";
    }
    out += "</tbody></table>";
  }
  return out + "</section>";
}

std::string Summaries(const json& s, const std::map<std::string, MarkdownType>& types) {
  const json& sums = Member(s, "summaries");
  if (!sums.is_object()) return "";
  std::string items;
  for (auto it = sums.begin(); it != sums.end(); ++it) {
    if (!it->is_array()) continue;
    for (const json& line : *it) {
      if (!line.is_string()) continue;
      items += "<li>" + Tag("strong", HtmlEscape(TypeTitle(types, it.key()))) + ": " +
               HtmlEscape(line.get<std::string>()) + "</li>";
    }
  }
  if (items.empty()) return "";
  return "<section class=\"summaries\"><h2>From the exercise plugins</h2><ul>" + items +
         "</ul></section>";
}

}  // namespace

std::string HtmlStatsSections(const json& stats, const std::map<std::string, MarkdownType>& types) {
  if (NumberOr(Member(stats, "total"), 0) <= 0) {
    return "<section class=\"glance\"><h2>At a glance</h2><p class=\"empty\">There are no "
           "entries in this report yet.</p></section>";
  }
  std::string out = Glance(stats, types);
  auto span = ReportWeeks(Member(stats, "by_week"));
  if (span) out += Weeks(stats, *span) + Fields(stats, *span, types);
  return out + Deltas(stats, types) + ScsSf(stats) +
         HtmlMeasuresSection(Member(stats, "measures")) + Summaries(stats, types);
}

}  // namespace haven
