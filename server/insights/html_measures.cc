#include "server/insights/html_measures.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "common/html_escape.h"
#include "common/measure_words.h"
#include "common/text_block.h"
#include "common/time.h"
#include "server/insights/svg_chart.h"

namespace haven {
namespace {

using nlohmann::json;

ChartAxis DayAxis(const json& series) {
  std::optional<int64_t> first, last;
  for (const json& p : series) {
    if (auto day = DayOfDateText(MeasureDate(p))) {
      first = first ? std::min(*first, *day) : *day;
      last = last ? std::max(*last, *day) : *day;
    }
  }
  if (!first) return {};
  return {static_cast<double>(*first), static_cast<double>(*last), DateOfDay(*first),
          DateOfDay(*last)};
}

// Whether the takings carry their practice counts (not under a --type filter).
bool HasPractice(const json& s) {
  const json& series = ArrayOf(s, "series");
  return !series.empty() && Member(series[0], "practice_14d").is_number();
}

std::string Charts(const json& s) {
  const json& series = ArrayOf(s, "series");
  ChartSpec values, practice;
  values.title = MeasureName(s) + " at each taking";
  practice.title = "Practice entries in the 14 days before each taking";
  values.x = practice.x = DayAxis(series);
  const json& range = ArrayOf(s, "range");
  const double lo = range.size() == 2 && range[0].is_number() ? range[0].get<double>() : 0;
  const double hi = range.size() == 2 && range[1].is_number() ? range[1].get<double>() : lo + 1;
  values.y = {lo, hi, MeasureValue(s, lo), MeasureValue(s, hi)};
  double most = 1;
  for (const json& p : series) {
    auto day = DayOfDateText(MeasureDate(p));
    if (!day) continue;
    const double n = NumberOr(p, "practice_14d", 0);
    most = std::max(most, n);
    values.points.push_back({static_cast<double>(*day), NumberOr(p, "value", 0),
                             MeasureDate(p) + ": " + MeasurePoint(s, p)});
    practice.points.push_back(
        {static_cast<double>(*day), n, MeasureDate(p) + ": " + Num(json(n)) + " practice entries"});
  }
  practice.y = {0, most, "0", Num(json(most))};
  return SvgLineChart(values) + (HasPractice(s) ? SvgBarChart(practice) : "");
}

std::string TakingsTable(const json& s) {
  const bool practice = HasPractice(s);
  std::string out = "<table><thead><tr><th>Taken on</th><th class=\"num\">Value</th>";
  if (practice) out += "<th class=\"num\">Practice, 14 days before</th>";
  out += "</tr></thead><tbody>";
  for (const json& p : ArrayOf(s, "series")) {
    out += "<tr><td>" + HtmlEscape(MeasureDate(p)) + "</td><td class=\"num\">" +
           HtmlEscape(MeasurePoint(s, p)) + "</td>";
    if (practice) out += "<td class=\"num\">" + Num(NumberOr(p, "practice_14d", 0)) + "</td>";
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

std::string SeriesFigure(const json& s) {
  const json& latest = Member(s, "latest");
  std::string line = "Latest " + MeasurePoint(s, latest) + " on " + MeasureDate(latest);
  const std::string change = MeasureChange(s);
  if (!change.empty()) line += "; " + change;
  std::string out = "<figure class=\"measure\"><h3>" + HtmlEscape(MeasureName(s)) +
                    "</h3><p class=\"numbers\">" + HtmlEscape(line + ".") + "</p>" + Charts(s) +
                    TakingsTable(s);
  const std::string link = AssociationSentence(s);
  if (!link.empty()) {
    out += "<p class=\"link\">" + HtmlEscape(link) + " " + HtmlEscape(kNotProofNote) + "</p>";
  }
  return out + "</figure>";
}

}  // namespace

std::string HtmlMeasuresSection(const json& measures) {
  const std::vector<const json*> all = MeasureSeries(measures);
  if (all.empty()) return "";
  std::string out =
      "<section class=\"measures\"><h2>Measures and practice</h2><p class=\"note\">Validated "
      "questionnaires over time.";
  if (HasPractice(*all.front())) {
    out +=
        " Under each, a bar for how many practice entries came in the 14 days before that "
        "taking.";
  }
  out += "</p>";
  for (const json* s : all) out += SeriesFigure(*s);
  return out + "</section>";
}

}  // namespace haven
