#include "common/measure_words.h"

#include <cmath>

#include "common/text_block.h"

namespace haven {
namespace {

using nlohmann::json;

int Decimals(const json& series) {
  const json& d = Member(series, "decimals");
  return d.is_number_integer() ? std::clamp(d.get<int>(), 0, 3) : 2;
}

}  // namespace

std::string MeasureDate(const json& point) { return TextOf(point, "at").substr(0, 10); }

std::string MeasureName(const json& series) {
  std::string name = TextOf(series, "title");
  const std::string split = TextOf(series, "relationship");
  if (!split.empty()) name += ", " + split + ": " + TextOf(series, "score");
  return name;
}

std::string MeasureValue(const json& series, const json& value) {
  return Fixed(value, Decimals(series)) + TextOf(series, "unit");
}

std::string MeasurePoint(const json& series, const json& point) {
  std::string out = MeasureValue(series, Member(point, "value"));
  // A band only: WHO-5's flag is not repeated on every taking; its one calm
  // line is common/care_note.h's.
  const std::string band = TextOf(point, "band");
  if (!band.empty()) out += " (" + band + ")";
  return out;
}

std::string MeasureChange(const json& series) {
  if (NumberOr(series, "n", 0) < 2) return "";
  const json& first = Member(series, "first");
  std::string out = "first " + MeasurePoint(series, first);
  if (const std::string date = MeasureDate(first); !date.empty()) out += " on " + date;
  out += ": " + Signed(Member(series, "change"), Decimals(series));
  if (Member(series, "meaningful_change") == true) out += ", a meaningful change";
  if (NumberOr(series, "n", 0) < 3) return out;
  out += "; " + Signed(Member(series, "change_since_previous"), Decimals(series)) +
         " since the one before";
  if (Member(series, "meaningful_change_since_previous") == true) out += ", a meaningful change";
  return out;
}

std::string AssociationSentence(const json& series) {
  const json& a = Member(series, "association");
  if (!a.is_object()) return "";
  const std::string takings = "Over " + Num(NumberOr(a, "n", 0)) + " takings, ";
  const std::string days = Num(NumberOr(a, "window_days", 14));
  const std::string label = TextOf(series, "label");
  const json& rho = Member(a, "spearman");
  if (!rho.is_number()) {
    return takings + "either your practice in the " + days + " days before each taking or your " +
           label + " stayed the same, so the two cannot be compared yet.";
  }
  const double r = rho.get<double>();
  const std::string value = " (Spearman's rho " + Fixed(rho, 2) + ").";
  if (std::abs(r) < 0.1) {
    return takings + "practice in the " + days + " days before a taking and your " + label +
           " showed almost no link" + value;
  }
  // Below 0.4, or with few takings, the link is a hint at most.
  const bool weak = std::abs(r) < 0.4 || NumberOr(a, "n", 0) < 8;
  return takings + "more practice in the " + days + " days before a taking " +
         (weak ? "tended a little to go with " : "went with ") + (r > 0 ? "higher " : "lower ") +
         label + value;
}

std::vector<const json*> MeasureSeries(const json& measures) {
  std::vector<const json*> out;
  if (!measures.is_object()) return out;
  for (auto it = measures.begin(); it != measures.end(); ++it) {
    if (!it->is_object()) continue;
    if (it->contains("series")) {
      out.push_back(&*it);
      continue;
    }
    for (auto split = it->begin(); split != it->end(); ++split) {  // per relationship
      if (!split->is_object()) continue;
      for (auto score = split->begin(); score != split->end(); ++score) {
        if (score->is_object() && score->contains("series")) out.push_back(&*score);
      }
    }
  }
  return out;
}

bool IsMeasureItem(const json& stats, const std::string& field_key) {
  const std::string type = field_key.substr(0, field_key.find('.'));
  return type == "scs-sf" || Member(stats, "measures").contains(type);
}

bool LatestWellBeingIsLow(const json& measures) {
  return TextOf(Member(Member(measures, "who-5"), "latest"), "flag") == "low";
}

}  // namespace haven
