// The figures of the HTML report, drawn from ComputeStats' JSON (the object
// `haven stats --format json` prints). Internal to haven_insights; the page
// around them is export_html.cc.
#ifndef HAVEN_SERVER_INSIGHTS_HTML_STATS_H_
#define HAVEN_SERVER_INSIGHTS_HTML_STATS_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "server/insights/export.h"

namespace haven {

// Charts of the weekly axis show at most this many of the latest weeks.
inline constexpr int kReportMaxWeeks = 104;

// HTML sections, in reading order: at a glance (entries, streaks, active
// days, practice per type), entries per week (bar chart), weekly means of
// every numeric field (one line chart each, the SCS-SF items left to the
// scale's own section), before/after changes (a table), the Self-Compassion
// Scale total over time, the measures (html_measures.h), and plugin summary
// lines. Sections with nothing to
// show are left out; with no entries, only a sentence saying so. `types`
// gives readable type titles. Missing or mistyped keys are tolerated.
std::string HtmlStatsSections(const nlohmann::json& stats,
                              const std::map<std::string, MarkdownType>& types);

}  // namespace haven

#endif  // HAVEN_SERVER_INSIGHTS_HTML_STATS_H_
