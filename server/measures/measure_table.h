// The validated questionnaires haven ships as built-in types, seen as
// measures (docs/measures.md): which derived values are a taking's scores,
// how they are named, ranged, banded and split, and how often each is
// usually retaken. The one place that knows which types are measures; the
// scoring itself is the plugins' (plugins/builtin/).
#ifndef HAVEN_SERVER_MEASURES_MEASURE_TABLE_H_
#define HAVEN_SERVER_MEASURES_MEASURE_TABLE_H_

#include <span>
#include <string_view>

namespace haven {

// One score of a measure: a derived value of each taking.
struct MeasureScore {
  std::string_view name;   // the derived key: "percent", "avoidance"
  std::string_view label;  // in sentences: "well-being", "attachment avoidance"
  double min = 0;          // the score's whole range
  double max = 0;
  int decimals = 0;  // shown with this many decimals (means: 2)
};

struct Measure {
  std::string_view type;      // the built-in type id: "who-5"
  std::string_view title;     // "Well-being (WHO-5)"
  std::string_view split_by;  // a field keeping series apart ("relationship"); empty: none
  std::span<const std::string_view> split_values;  // the split field's choices
  std::span<const MeasureScore> scores;
  std::string_view band_key;     // the derived band ("band", "flag"); empty: none
  std::string_view unit;         // after a value: "%" or empty
  std::string_view better;       // "higher" or "lower": which way is better (or more secure)
  double meaningful_change = 0;  // a change this large is meaningful; 0: not defined
  int retake_days = 0;           // usually retaken after this many days
};

// Every measure.
std::span<const Measure> Measures();

// The measure of a type, or nullptr when the type is not a measure.
const Measure* FindMeasure(std::string_view type);

inline bool IsMeasureType(std::string_view type) { return FindMeasure(type) != nullptr; }

}  // namespace haven

#endif  // HAVEN_SERVER_MEASURES_MEASURE_TABLE_H_
