// The terminal table of `haven stats`, drawn from ComputeStats' JSON.
#ifndef HAVEN_COMMON_STATS_RENDER_H_
#define HAVEN_COMMON_STATS_RENDER_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace haven {

struct RenderOptions {
  bool color = false;  // ANSI bold/dim/cyan; the CLI sets it only on a TTY without NO_COLOR
  int width = 80;      // terminal columns; lines never exceed it (minimum 40 is assumed)
};

// Sections: practice counts, days (streaks, active days), entries per week,
// the SCS-SF total (before its less reliable subscales), numeric fields with
// a sparkline of weekly means, before/after changes, plugin summaries.
// Sections with nothing to show are left out. Missing keys are tolerated.
std::string RenderStatsTable(const nlohmann::json& stats, const RenderOptions& o);

// ▁▂▃▄▅▆▇█ for `values` scaled to [lo, hi] (clamped); all "▄" when hi <= lo.
std::string Sparkline(const std::vector<double>& values, double lo, double hi);

}  // namespace haven

#endif  // HAVEN_COMMON_STATS_RENDER_H_
