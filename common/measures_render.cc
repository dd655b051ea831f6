#include "common/measures_render.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/care_note.h"
#include "common/measure_words.h"
#include "common/stats_render.h"

namespace haven {
namespace {

using nlohmann::json;

// The taking rows shown under "Practice and measures", the latest ones.
constexpr size_t kMaxTakingRows = 12;

std::string Spark(const json& s, int room) {
  std::vector<double> values;
  for (const json& p : ArrayOf(s, "series")) values.push_back(NumberOr(p, "value", 0));
  if (values.size() < 2 || room <= 0) return "";
  if (static_cast<int>(values.size()) > room) values.erase(values.begin(), values.end() - room);
  const json& range = ArrayOf(s, "range");
  const bool ranged = range.size() == 2 && range[0].is_number() && range[1].is_number();
  return ranged ? Sparkline(values, range[0].get<double>(), range[1].get<double>())
                : Sparkline(values, *std::min_element(values.begin(), values.end()),
                            *std::max_element(values.begin(), values.end()));
}

void RenderSeries(const json& s, TextBlock& out) {
  const json& latest = Member(s, "latest");
  out.Line("  " + Fit(MeasureName(s), out.width() - 2));
  std::string line = MeasurePoint(s, latest) + " on " + MeasureDate(latest);
  const std::string change = MeasureChange(s);
  if (!change.empty()) line += "; " + change;
  out.Wrapped(line, 4);
  const std::string n = Num(NumberOr(s, "n", 0));
  std::string more = n + (n == "1" ? " taking" : " takings");
  const json& due = Member(s, "next_due");
  if (due.is_string()) more += ", next due " + due.get<std::string>();
  const std::string spark = Spark(s, out.width() - 6 - Columns(more));
  out.Line("    " + (spark.empty() ? "" : out.Style("36", spark) + "  ") + more);
}

void RenderAssociation(const json& s, TextBlock& out) {
  out.Line("  " + Fit(MeasureName(s), out.width() - 2));
  const json& series = ArrayOf(s, "series");
  const size_t skip = series.size() > kMaxTakingRows ? series.size() - kMaxTakingRows : 0;
  const std::string head = "    taken on    " + Pad("value", 10) + " practice, 14 days before";
  out.Line(out.Style("2", Fit(head, out.width())));
  if (skip > 0) {
    out.Line(out.Style(
        "2", Fit("    (" + std::to_string(skip) + " earlier takings not shown)", out.width())));
  }
  for (size_t i = skip; i < series.size(); ++i) {
    out.Line("    " + Pad(MeasureDate(series[i]), 12) +
             Pad(MeasureValue(s, Member(series[i], "value")), 10) + " " +
             Num(NumberOr(series[i], "practice_14d", 0)));
  }
  out.Wrapped(AssociationSentence(s), 4);
}

}  // namespace

void RenderMeasures(const json& measures, TextBlock& out) {
  const std::vector<const json*> all = MeasureSeries(measures);
  if (all.empty()) return;
  out.Header("Measures");
  for (const json* s : all) RenderSeries(*s, out);
  if (LatestWellBeingIsLow(measures)) out.Wrapped(std::string(kLowWellBeingNote), 2);
  std::vector<const json*> linked;
  for (const json* s : all) {
    if (Member(*s, "association").is_object()) linked.push_back(s);
  }
  if (linked.empty()) return;
  out.Header("Practice and measures");
  for (const json* s : linked) RenderAssociation(*s, out);
  out.Wrapped(kNotProofNote, 2);
}

}  // namespace haven
