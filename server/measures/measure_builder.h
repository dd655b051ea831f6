// The `measures` object of `haven stats` (docs/formats.md, "Stats"): every
// measure's takings over time, and the practice in the 14 days before each
// (docs/design.md, "Measures"). Pure logic over entries, fed one entry at a
// time from the stats scan; builders filled on separate threads combine
// with Merge.
//
// An entry of a measure type (measure_table.h) is a taking when its
// `derived` values hold the measure's scores (and, for a split measure such
// as `ecr-rs`, its field names the series); every other entry is practice.
// Memory: one record per taking and one counter per day with practice.
#ifndef HAVEN_SERVER_MEASURES_MEASURE_BUILDER_H_
#define HAVEN_SERVER_MEASURES_MEASURE_BUILDER_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/model/entry.h"

namespace haven {

// Local days of practice before a taking that are counted next to it.
inline constexpr int kPracticeWindowDays = 14;
// A series needs this many takings with their practice known before
// practice is ranked against it.
inline constexpr size_t kMinTakingsForAssociation = 4;

class MeasureBuilder {
 public:
  // `sees_practice` is false when the entries fed are narrowed to some
  // types (`haven stats --type`): practice is then unknown, so takings
  // carry no practice counts and no series an association.
  // `practice_from_day` is the first local day the entries fed cover (under
  // `--since`): a taking whose 14 days reach back to it or before has its
  // practice only partly seen, so it carries no practice count and stays
  // out of the association.
  explicit MeasureBuilder(bool sees_practice = true,
                          std::optional<int64_t> practice_from_day = std::nullopt)
      : sees_practice_(sees_practice), practice_from_day_(practice_from_day) {}

  // `local_day` is the local day number of e.at_us (common/time.h).
  void Add(const Entry& e, int64_t local_day);
  void Merge(MeasureBuilder&& other);
  // The `measures` object; `today` (a local day number) dates `next_due`.
  nlohmann::json Finish(int64_t today);

  // One taking's score, as the series hold them.
  struct Taking {
    int64_t at_us = 0;
    int64_t day = 0;
    double value = 0;
    std::string band;  // empty when the measure has none
  };

 private:
  // (type, the split field's value or "", score name) -> takings.
  using SeriesKey = std::tuple<std::string, std::string, std::string>;

  void AddTaking(const Entry& e, int64_t local_day);
  // Moves the practice counted for run_day_ into practice_by_day_.
  void FlushRun();
  nlohmann::json SeriesJson(const SeriesKey& key, std::vector<Taking>& takings,
                            int64_t today) const;
  // Whether all the practice of the window before `day` was fed.
  bool SeesPracticeBefore(int64_t day) const;
  int64_t PracticeBefore(int64_t day) const;

  bool sees_practice_;
  std::optional<int64_t> practice_from_day_;
  std::map<SeriesKey, std::vector<Taking>> series_;
  absl::flat_hash_map<int64_t, int64_t> practice_by_day_;  // local day -> entries
  int64_t run_day_ = 0;    // the day of the practice counted in run_count_
  int64_t run_count_ = 0;  // not yet in practice_by_day_
  // Finish: practice days sorted, with running totals, for the windows.
  std::vector<std::pair<int64_t, int64_t>> practice_prefix_;
};

}  // namespace haven

#endif  // HAVEN_SERVER_MEASURES_MEASURE_BUILDER_H_
