// The "Measures" section of `haven export --format html`, drawn from the
// `measures` object of ComputeStats' JSON (docs/formats.md, "Stats").
// Internal to haven_insights; html_stats.cc places it.
#ifndef HAVEN_SERVER_INSIGHTS_HTML_MEASURES_H_
#define HAVEN_SERVER_INSIGHTS_HTML_MEASURES_H_

#include <nlohmann/json.hpp>
#include <string>

namespace haven {

// One figure per series (a split measure has one per relationship and
// score): the latest value and band, the first and the change since; a line
// chart of every taking on the score's whole range, and under it, on the
// same time axis, a bar per taking for the practice entries in the 14 days
// before it (left out when the takings carry no practice counts, as under
// a type filter); a table of the takings; and for a series of four or more
// takings one sentence on the link with the note that it is no proof of
// cause. The calm WHO-5 line of common/care_note.h is not repeated here: a
// report is a file that lasts and may be shared. Empty when there are no
// takings. Missing or mistyped keys
// are tolerated.
std::string HtmlMeasuresSection(const nlohmann::json& measures);

}  // namespace haven

#endif  // HAVEN_SERVER_INSIGHTS_HTML_MEASURES_H_
