// Words about measures, shared by `haven stats` on a terminal
// (measures_render.h) and the HTML report, so both say the same thing.
// Each reads one series object of the `measures` JSON (docs/formats.md,
// "Stats"); missing keys are tolerated.
#ifndef HAVEN_COMMON_MEASURE_WORDS_H_
#define HAVEN_COMMON_MEASURE_WORDS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/json_member.h"

namespace haven {

// Said wherever practice is set next to a measure.
inline constexpr char kNotProofNote[] =
    "This is a link in your own data, not proof that one causes the other.";

// "2026-11-15": the local date of a point's `at`; empty without one.
std::string MeasureDate(const nlohmann::json& point);

// "Well-being (WHO-5)"; for a split series "Attachment (ECR-RS), partner:
// avoidance".
std::string MeasureName(const nlohmann::json& series);

// A value with the series' decimals and unit: "64%", "4.17", "22".
std::string MeasureValue(const nlohmann::json& series, const nlohmann::json& value);

// "22 (slightly-satisfied)" or "64%": a point's value and its band, if it
// has one (WHO-5's flag is not shown on points).
std::string MeasurePoint(const nlohmann::json& series, const nlohmann::json& point);

// The first taking and the change since, and from the third taking on the
// change since the one before: "first 48% (low) on 2026-10-01: +16, a
// meaningful change; +4 since the one before" / "first 2.50 on 2026-10-02:
// -0.33"; empty with a single taking.
std::string MeasureChange(const nlohmann::json& series);

// One sentence on practice before each taking and the measure, e.g. "Over 9
// takings, more practice in the 14 days before a taking went with higher
// well-being (Spearman's rho 0.54)."; "tended a little to go with" when
// |rho| is under 0.4 or there are fewer than 8 takings, "almost no link"
// under 0.1; empty when the series has no `association` (fewer than four
// takings with their practice known).
std::string AssociationSentence(const nlohmann::json& series);

// Every series of a `measures` object, in its order (a split measure's
// series one after the other).
std::vector<const nlohmann::json*> MeasureSeries(const nlohmann::json& measures);

// Whether a `fields` key of the stats ("who-5.q3") is a questionnaire's
// single item, shown through its scores instead: a type in the stats'
// `measures`, or `scs-sf`.
bool IsMeasureItem(const nlohmann::json& stats, const std::string& field_key);

// Whether the latest WHO-5 taking in `measures` has the low flag.
bool LatestWellBeingIsLow(const nlohmann::json& measures);

}  // namespace haven

#endif  // HAVEN_COMMON_MEASURE_WORDS_H_
