#include "server/measures/measure_builder.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>

#include "common/time.h"
#include "server/measures/measure_table.h"
#include "server/measures/rank_correlation.h"

namespace haven {
namespace {

using nlohmann::json;

// Numbers in stats are rounded to 3 decimals (docs/formats.md, "Stats").
double Round3(double v) { return std::round(v * 1000) / 1000; }

const MeasureScore* FindScore(const Measure& m, std::string_view name) {
  for (const MeasureScore& s : m.scores) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::optional<double> NumberAt(const json& obj, std::string_view key) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string TextAt(const json& obj, std::string_view key) {
  if (key.empty() || !obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

// `change` (latest - first) and `change_since_previous` (latest - the one
// before), each with whether it is meaningful where the measure says what
// is; all null with a single taking.
void AddChanges(const Measure& m, const std::vector<MeasureBuilder::Taking>& takings, json& out) {
  auto meaningful = [&](std::optional<double> change) {
    if (!change || m.meaningful_change <= 0) return json(nullptr);
    return json(std::abs(*change) >= m.meaningful_change);
  };
  std::optional<double> since_first, since_previous;
  if (takings.size() >= 2) {
    since_first = takings.back().value - takings.front().value;
    since_previous = takings.back().value - takings[takings.size() - 2].value;
  }
  out["change"] = since_first ? json(Round3(*since_first)) : json(nullptr);
  out["meaningful_change"] = meaningful(since_first);
  out["change_since_previous"] = since_previous ? json(Round3(*since_previous)) : json(nullptr);
  out["meaningful_change_since_previous"] = meaningful(since_previous);
}

}  // namespace

void MeasureBuilder::Add(const Entry& e, int64_t local_day) {
  if (IsMeasureType(e.type)) {
    AddTaking(e, local_day);
    return;
  }
  // Entries mostly come in time order: count a run of one day, then store it.
  if (local_day != run_day_) {
    FlushRun();
    run_day_ = local_day;
  }
  ++run_count_;
}

void MeasureBuilder::FlushRun() {
  if (run_count_ > 0) practice_by_day_[run_day_] += run_count_;
  run_count_ = 0;
}

void MeasureBuilder::AddTaking(const Entry& e, int64_t local_day) {
  const Measure& m = *FindMeasure(e.type);
  std::string split;
  if (!m.split_by.empty()) {
    split = TextAt(e.fields, m.split_by);
    // Only the type's own choices name a series; anything else (a record
    // from another device or an import) is left out.
    if (std::find(m.split_values.begin(), m.split_values.end(), split) == m.split_values.end()) {
      return;
    }
  }
  const std::string band = TextAt(e.derived, m.band_key);
  for (const MeasureScore& s : m.scores) {
    std::optional<double> value = NumberAt(e.derived, s.name);
    if (!value || !std::isfinite(*value)) continue;
    series_[{e.type, split, std::string(s.name)}].push_back({e.at_us, local_day, *value, band});
  }
}

void MeasureBuilder::Merge(MeasureBuilder&& other) {
  other.FlushRun();
  for (auto& [key, takings] : other.series_) {
    auto& mine = series_[key];
    std::move(takings.begin(), takings.end(), std::back_inserter(mine));
  }
  for (const auto& [day, n] : other.practice_by_day_) practice_by_day_[day] += n;
}

bool MeasureBuilder::SeesPracticeBefore(int64_t day) const {
  return sees_practice_ && (!practice_from_day_ || day - kPracticeWindowDays > *practice_from_day_);
}

int64_t MeasureBuilder::PracticeBefore(int64_t day) const {
  // Entries on days [day - window, day - 1]: prefix(day - 1) - prefix(day - window - 1).
  auto prefix = [&](int64_t through) -> int64_t {
    auto it = std::upper_bound(practice_prefix_.begin(), practice_prefix_.end(),
                               std::make_pair(through, INT64_MAX));
    return it == practice_prefix_.begin() ? 0 : std::prev(it)->second;
  };
  return prefix(day - 1) - prefix(day - kPracticeWindowDays - 1);
}

json MeasureBuilder::SeriesJson(const SeriesKey& key, std::vector<Taking>& takings,
                                int64_t today) const {
  const auto& [type, split, score_name] = key;
  const Measure& m = *FindMeasure(type);
  const MeasureScore& score = *FindScore(m, score_name);
  std::stable_sort(takings.begin(), takings.end(), [](const Taking& a, const Taking& b) {
    return a.at_us != b.at_us ? a.at_us < b.at_us : a.value < b.value;
  });
  auto point = [&](const Taking& t) {
    json p = {{"at", FormatRfc3339(t.at_us)}, {"value", Round3(t.value)}};
    if (!m.band_key.empty()) p[std::string(m.band_key)] = t.band;
    return p;
  };
  json series = json::array();
  std::vector<double> values, practice;  // of the takings whose practice is known
  for (const Taking& t : takings) {
    json p = point(t);
    if (SeesPracticeBefore(t.day)) {
      const int64_t before = PracticeBefore(t.day);
      p["practice_14d"] = before;
      values.push_back(t.value);
      practice.push_back(static_cast<double>(before));
    }
    series.push_back(std::move(p));
  }
  const Taking& first = takings.front();
  const Taking& latest = takings.back();
  json out = {{"type", type},
              {"title", m.title},
              {"score", score.name},
              {"label", score.label},
              {"unit", m.unit},
              {"decimals", score.decimals},
              {"range", {score.min, score.max}},
              {"better", m.better},
              {"n", takings.size()},
              {"first", point(first)},
              {"latest", point(latest)},
              {"retake_days", m.retake_days},
              {"next_due", DateOfDay(std::max(today, latest.day + m.retake_days))},
              {"series", std::move(series)}};
  if (!m.split_by.empty()) out[std::string(m.split_by)] = split;
  AddChanges(m, takings, out);
  json association = nullptr;
  if (values.size() >= kMinTakingsForAssociation) {
    std::optional<double> rho = SpearmanRho(practice, values);
    association = {{"n", values.size()},
                   {"window_days", kPracticeWindowDays},
                   {"spearman", rho ? json(Round3(*rho)) : json(nullptr)}};
  }
  out["association"] = std::move(association);
  return out;
}

json MeasureBuilder::Finish(int64_t today) {
  FlushRun();
  practice_prefix_.assign(practice_by_day_.begin(), practice_by_day_.end());
  std::sort(practice_prefix_.begin(), practice_prefix_.end());
  int64_t running = 0;
  for (auto& [day, n] : practice_prefix_) n = running += n;
  json out = json::object();
  for (auto& [key, takings] : series_) {
    if (takings.empty()) continue;
    const auto& [type, split, score] = key;
    json s = SeriesJson(key, takings, today);
    if (split.empty()) {
      out[type] = std::move(s);
    } else {
      out[type][split][score] = std::move(s);
    }
  }
  return out;
}

}  // namespace haven
