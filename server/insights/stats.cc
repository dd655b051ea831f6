#include "server/insights/stats.h"

#include <algorithm>
#include <limits>
#include <set>
#include <string_view>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "common/time.h"
#include "server/insights/scs_sf.h"
#include "server/insights/weekly_series.h"
#include "server/measures/measure_builder.h"

namespace haven {
namespace {

using nlohmann::json;

constexpr std::string_view kBefore = "_before";
constexpr std::string_view kAfter = "_after";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A derived value that is a before/after change ("distress_change",
// "belief_shift").
bool IsDerivedChange(std::string_view key) {
  return EndsWith(key, "_change") || EndsWith(key, "_shift");
}

// Name of the change of `stem` (for fields `stem_before`/`stem_after`) when
// the entry has no derived value for it; built-ins keep their spec names.
std::string ChangeName(const std::string& type, const std::string& stem) {
  if (type == "self-talk" && stem == "belief") return "belief_shift";
  return stem + "_change";
}

bool Selected(const Entry& e, const StatsOptions& o) {
  if (o.type && e.type != *o.type) return false;
  if (o.since_us && e.at_us < *o.since_us) return false;
  if (o.until_us && e.at_us >= *o.until_us) return false;
  return true;
}

json StreakJson(const std::set<int64_t>& days, int64_t today) {
  int64_t longest = 0, run = 0, prev = 0;
  for (int64_t d : days) {
    run = (run > 0 && d == prev + 1) ? run + 1 : 1;
    longest = std::max(longest, run);
    prev = d;
  }
  // Today is not over, so an empty today does not end yesterday's streak.
  int64_t start = days.count(today) ? today : today - 1;
  int64_t current = 0;
  while (days.count(start - current)) ++current;
  json last = days.empty() ? json(nullptr) : json(DateOfDay(*days.rbegin()));
  return {{"current", current}, {"longest", longest}, {"last_active", last}};
}

// What the measures can see of the practice under these filters.
MeasureBuilder MeasuresFor(const StatsOptions& o) {
  std::optional<int64_t> from_day;
  if (o.since_us) from_day = LocalDayNumber(*o.since_us);
  return MeasureBuilder(!o.type.has_value(), from_day);
}

}  // namespace

struct StatsBuilder::State {
  State(const StatsOptions& opts, int64_t now_us)
      : opts_(opts), today_(LocalDayNumber(now_us)), measures_(MeasuresFor(opts)) {}

  void Add(const Entry& e) {
    const int64_t day = local_days_.DayNumber(e.at_us);
    ++total_;
    first_ = std::min(first_, e.at_us);
    last_ = std::max(last_, e.at_us);
    TypeSlots& slots = SlotsOf(e.type);
    ++*slots.count;
    ++by_week_[WeekIndexOfDay(day)];
    days_.insert(day);
    AddFields(e, day, slots);
    AddDeltas(e, day);
    if (e.type == "scs-sf") AddScsSf(e);
    measures_.Add(e, day);
    if (opts_.summarize && (!opts_.summarize_types || opts_.summarize_types->contains(e.type))) {
      per_type_[e.type].push_back(e);
    }
  }

  void Merge(State&& o) {
    total_ += o.total_;
    first_ = std::min(first_, o.first_);
    last_ = std::max(last_, o.last_);
    for (const auto& [type, n] : o.by_type_) by_type_[type] += n;
    for (const auto& [week, n] : o.by_week_) by_week_[week] += n;
    days_.merge(o.days_);
    for (const auto& [key, series] : o.fields_) fields_[key].Merge(series);
    field_meta_.merge(o.field_meta_);
    for (const auto& [key, series] : o.deltas_) deltas_[key].Merge(series);
    std::move(o.scs_.begin(), o.scs_.end(), std::back_inserter(scs_));
    measures_.Merge(std::move(o.measures_));
    for (auto& [type, entries] : o.per_type_) {
      auto& mine = per_type_[type];
      std::move(entries.begin(), entries.end(), std::back_inserter(mine));
    }
  }

  json Finish() {
    json out;
    out["total"] = total_;
    out["first"] = total_ ? json(LocalDate(first_)) : json(nullptr);
    out["last"] = total_ ? json(LocalDate(last_)) : json(nullptr);
    out["by_type"] = by_type_;
    json weeks = json::object();
    for (const auto& [week, n] : by_week_) weeks[WeekLabelOfIndex(week)] = n;
    out["by_week"] = std::move(weeks);
    const std::set<int64_t> days(days_.begin(), days_.end());
    out["streak"] = StreakJson(days, today_);
    out["active_days_30"] = std::distance(days.lower_bound(today_ - 29), days.upper_bound(today_));
    out["fields"] = FieldsJson();
    json deltas = json::object();
    for (const auto& [name, series] : deltas_) deltas[name] = series.Summary();
    out["deltas"] = std::move(deltas);
    out["scs_sf"] = ScsSfJson();
    out["measures"] = measures_.Finish(today_);
    out["summaries"] = SummariesJson();
    return out;
  }

  // What Add needs to find again for every entry of a type, looked up once.
  struct TypeSlots {
    int64_t* count = nullptr;  // in by_type_
    // The type's numeric fields and their series, made on a first value.
    std::vector<std::pair<const NumericField*, WeeklySeries*>> known;
    bool defined = false;  // false: every number an entry holds is a field
  };

  TypeSlots& SlotsOf(const std::string& type) {
    auto [it, inserted] = slots_.try_emplace(type);
    if (inserted) {
      it->second.count = &by_type_[type];
      auto known = opts_.numeric_fields.find(type);
      if (known != opts_.numeric_fields.end()) {
        it->second.defined = true;
        for (const NumericField& f : known->second) it->second.known.emplace_back(&f, nullptr);
      }
    }
    return it->second;
  }

  WeeklySeries& SeriesOf(const std::string& type, const std::string& name,
                         const NumericField* meta) {
    const std::string key = type + "." + name;
    auto [slot, inserted] = fields_.try_emplace(key);
    if (inserted) field_meta_[key] = meta;
    return slot->second;
  }

  void AddFields(const Entry& e, int64_t day, TypeSlots& slots) {
    if (!e.fields.is_object()) return;
    if (slots.defined) {
      for (auto& [meta, series] : slots.known) {
        auto it = e.fields.find(meta->name);
        if (it == e.fields.end() || !it->is_number()) continue;  // missing values are ignored
        if (series == nullptr) series = &SeriesOf(e.type, meta->name, meta);
        series->Add(day, it->get<double>());
      }
      return;
    }
    // No type definition here: every number the entry holds is a field.
    for (auto it = e.fields.begin(); it != e.fields.end(); ++it) {
      if (it->is_number()) SeriesOf(e.type, it.key(), nullptr).Add(day, it->get<double>());
    }
  }

  void AddDeltas(const Entry& e, int64_t day) {
    std::set<std::string> seen;
    if (e.derived.is_object()) {
      for (auto it = e.derived.begin(); it != e.derived.end(); ++it) {
        if (!IsDerivedChange(it.key()) || !it->is_number()) continue;
        deltas_[e.type + "." + it.key()].Add(day, it->get<double>());
        seen.insert(it.key());
      }
    }
    if (!e.fields.is_object()) return;
    for (auto it = e.fields.begin(); it != e.fields.end(); ++it) {
      if (!EndsWith(it.key(), kBefore) || !it->is_number()) continue;
      const std::string stem = it.key().substr(0, it.key().size() - kBefore.size());
      auto after = e.fields.find(stem + std::string(kAfter));
      if (after == e.fields.end() || !after->is_number()) continue;
      if (seen.count(stem + "_change") || seen.count(stem + "_shift")) continue;
      const std::string name = ChangeName(e.type, stem);
      if (seen.count(name)) continue;
      deltas_[e.type + "." + name].Add(day, after->get<double>() - it->get<double>());
    }
  }

  void AddScsSf(const Entry& e) {
    auto score = ScoreScsSf(e.fields, e.derived);
    if (score) scs_.emplace_back(e.at_us, std::move(*score));
  }

  json FieldsJson() const {
    json out = json::object();
    for (const auto& [key, series] : fields_) {
      json j = series.WithTrend();
      const NumericField* meta = field_meta_.at(key);
      j["scale"] = meta != nullptr && meta->is_scale;
      j["range_min"] = meta && meta->min ? json(*meta->min) : json(nullptr);
      j["range_max"] = meta && meta->max ? json(*meta->max) : json(nullptr);
      out[key] = std::move(j);
    }
    return out;
  }

  json ScsSfJson() {
    std::stable_sort(scs_.begin(), scs_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    json series = json::array();
    for (const auto& [at, s] : scs_) {
      series.push_back({{"at", FormatRfc3339(at)}, {"total", Round3(s.total)}, {"band", s.band}});
    }
    json latest = nullptr;
    if (!scs_.empty()) {
      const auto& [at, s] = scs_.back();
      json subscales = json::object();
      for (auto it = s.subscales.begin(); it != s.subscales.end(); ++it) {
        subscales[it.key()] = Round3(it->get<double>());
      }
      latest = {{"at", FormatRfc3339(at)},
                {"total", Round3(s.total)},
                {"band", s.band},
                {"subscales", std::move(subscales)}};
    }
    return {{"n", scs_.size()}, {"series", std::move(series)}, {"latest", std::move(latest)}};
  }

  json SummariesJson() {
    json out = json::object();
    for (auto& [type, entries] : per_type_) {
      std::vector<const Entry*> oldest_first;
      oldest_first.reserve(entries.size());
      for (const Entry& e : entries) oldest_first.push_back(&e);
      std::stable_sort(oldest_first.begin(), oldest_first.end(),
                       [](const Entry* a, const Entry* b) {
                         return a->at_us != b->at_us ? a->at_us < b->at_us : a->id < b->id;
                       });
      std::vector<std::string> lines = opts_.summarize(type, oldest_first);
      if (!lines.empty()) out[type] = std::move(lines);
    }
    return out;
  }

  const StatsOptions& opts_;
  const int64_t today_;
  MeasureBuilder measures_;
  LocalDays local_days_;
  int64_t total_ = 0;
  int64_t first_ = std::numeric_limits<int64_t>::max();
  int64_t last_ = std::numeric_limits<int64_t>::min();
  std::map<std::string, int64_t> by_type_;
  absl::flat_hash_map<int64_t, int64_t> by_week_;  // week index -> entries
  absl::flat_hash_set<int64_t> days_;              // active local day numbers
  // Stable nodes: slots_ keeps pointers into by_type_ and fields_.
  std::map<std::string, WeeklySeries> fields_;
  std::map<std::string, const NumericField*> field_meta_;  // null when inferred
  std::map<std::string, WeeklySeries> deltas_;
  std::vector<std::pair<int64_t, ScsSfScore>> scs_;
  std::map<std::string, std::vector<Entry>> per_type_;  // for summarize only
  absl::flat_hash_map<std::string, TypeSlots> slots_;
};

StatsBuilder::StatsBuilder(const StatsOptions& opts, int64_t now_us)
    : state_(std::make_unique<State>(opts, now_us)) {}
StatsBuilder::~StatsBuilder() = default;
StatsBuilder::StatsBuilder(StatsBuilder&&) noexcept = default;

void StatsBuilder::Add(const Entry& e) {
  if (Selected(e, state_->opts_)) state_->Add(e);
}

void StatsBuilder::Merge(StatsBuilder&& other) { state_->Merge(std::move(*other.state_)); }

json StatsBuilder::Finish() { return state_->Finish(); }

json ComputeStats(const std::vector<const Entry*>& entries, const StatsOptions& opts,
                  int64_t now_us) {
  StatsBuilder builder(opts, now_us);
  for (const Entry* e : entries) {
    if (e != nullptr) builder.Add(*e);
  }
  return builder.Finish();
}

}  // namespace haven
