// The charts of `haven export --format html`, drawn as inline SVG: plain
// numbers in, markup out; no script, font or image from anywhere else, and
// still readable when printed in black and white.
#ifndef HAVEN_SERVER_INSIGHTS_SVG_CHART_H_
#define HAVEN_SERVER_INSIGHTS_SVG_CHART_H_

#include <string>
#include <vector>

namespace haven {

struct ChartAxis {
  double min = 0;                    // value at the start (left, or bottom)
  double max = 1;                    // value at the end (right, or top)
  std::string min_label, max_label;  // shown at the two ends; plain text
};

struct ChartPoint {
  double x = 0;
  double y = 0;
  std::string label;  // shown when the pointer rests on it; plain text
};

// A dashed horizontal line across the plot, e.g. a band boundary.
struct ChartGuide {
  double y = 0;
  std::string label;  // plain text, drawn at the right end
};

struct ChartSpec {
  std::string title;  // what the chart shows, for screen readers and tooltips
  ChartAxis x, y;
  std::vector<ChartPoint> points;  // in increasing x
  std::vector<ChartGuide> guides;
};

// Both kinds share one x axis: x values are slot numbers (ISO weeks, days),
// with one slot of equal width for each integer from x.min to x.max, so a
// bar chart and a line chart over the same slots line up, and empty slots
// show as gaps. Values outside y are clamped to it.

// One bar per point, standing on y.min: a <rect class="bar"> with a <title>.
std::string SvgBarChart(const ChartSpec& spec);

// A line through the points (<polyline class="line">) and a
// <circle class="point"> with a <title> on each, in the middle of its slot.
std::string SvgLineChart(const ChartSpec& spec);

}  // namespace haven

#endif  // HAVEN_SERVER_INSIGHTS_SVG_CHART_H_
