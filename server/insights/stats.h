// `haven stats`: counts, streaks, trends and before/after changes over a set
// of entries, as the JSON object of docs/formats.md, "Stats". Pure logic: no store,
// no plugins; the daemon passes what it knows in StatsOptions.
//
// Day and week rules (all in the process's local time zone, TZ):
// - A day is active when it holds at least one entry's `at` in local time;
//   23:30 and 00:30 are two days even when UTC calls them one.
// - Weeks are ISO 8601 weeks of the local date ("2026-W53").
// - streak.longest is the longest run of consecutive active days.
//   streak.current counts back from today when today is active, else from
//   yesterday (today is not over yet, so it never breaks a streak); 0 when
//   neither is active.
// - active_days_30 counts active days among today and the 29 days before.
// - Means ignore missing and non-numeric values. slope_per_week is the
//   least-squares slope of weekly means against the week (gaps count as
//   time passing); null with fewer than 2 weeks holding a value.
// - Numbers in the output are rounded to 3 decimals.
#ifndef HAVEN_SERVER_INSIGHTS_STATS_H_
#define HAVEN_SERVER_INSIGHTS_STATS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "server/model/entry.h"

namespace haven {

// A field whose values are numbers (manifest kinds integer, number, scale).
struct NumericField {
  std::string name;
  bool is_scale = false;
  std::optional<double> min;  // the manifest's bounds, for drawing sparklines
  std::optional<double> max;
};

struct StatsOptions {
  std::optional<std::string> type;  // only entries of this type
  std::optional<int64_t> since_us;  // at_us >= since_us
  std::optional<int64_t> until_us;  // at_us < until_us
  // Type id -> its numeric fields in manifest order (the daemon fills it from
  // its type registry). A type missing here (no plugin on this device) has
  // its numeric fields inferred from the values it holds.
  std::map<std::string, std::vector<NumericField>> numeric_fields;
  // Plugin `summarize` lines. Called once per type present, with that type's
  // entries (after filtering) oldest first; an empty result is left out.
  std::function<std::vector<std::string>(const std::string& type,
                                         const std::vector<const Entry*>& entries)>
      summarize;
  // The types `summarize` has something to say about (nullopt: all). Only
  // their entries are kept in memory until Finish; every other entry is
  // folded into counters and forgotten, so memory stays flat at any size.
  std::optional<std::set<std::string>> summarize_types;
};

// Builds the stats of entries added one at a time, in any order. Builders
// filled on separate threads over separate entries combine with Merge.
class StatsBuilder {
 public:
  // `opts` must outlive the builder.
  StatsBuilder(const StatsOptions& opts, int64_t now_us);
  ~StatsBuilder();
  StatsBuilder(StatsBuilder&&) noexcept;

  // Counts `e` when it passes the options' type and time filters.
  void Add(const Entry& e);
  void Merge(StatsBuilder&& other);
  // The JSON object described at ComputeStats.
  nlohmann::json Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// `entries` are the merged, current, non-deleted entries (the caller drops
// deleted ones; a deleted entry passed here would be counted), in any order.
// The pointers are borrowed for the call. `now_us` fixes "today".
//
// Keys: total, first, last (local dates or null), by_type, by_week, streak
// {current, longest, last_active}, active_days_30, fields {"type.field": {n,
// mean, min, max, slope_per_week, scale, range_min, range_max, weekly:
// [{week, mean, n}]}}, deltas {"type.x_change": {n, mean, min, max}},
// scs_sf {n, series: [{at, total, band}], latest}, measures (measure_builder.h),
// summaries {type: [lines]}.
nlohmann::json ComputeStats(const std::vector<const Entry*>& entries, const StatsOptions& opts,
                            int64_t now_us);

}  // namespace haven

#endif  // HAVEN_SERVER_INSIGHTS_STATS_H_
