#include "server/insights/svg_chart.h"

#include <algorithm>
#include <cstdio>

#include "common/html_escape.h"

namespace haven {
namespace {

// The drawing area inside a fixed viewBox; the page scales it to its width.
constexpr double kWidth = 640;
constexpr double kLeft = 48, kRight = 16, kTop = 14, kBottom = 26;
constexpr const char* kInk = "#3f6f6a";    // bars, lines, points
constexpr const char* kRule = "#c9d3d1";   // axes and guides
constexpr const char* kLabel = "#4a5553";  // axis text

std::string Coord(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

class Canvas {
 public:
  Canvas(const ChartSpec& spec, double height) : spec_(spec), height_(height) {
    out_ = "<svg class=\"chart\" viewBox=\"0 0 " + Coord(kWidth) + " " + Coord(height) +
           "\" role=\"img\" aria-label=\"" + HtmlEscape(spec.title) + "\"><title>" +
           HtmlEscape(spec.title) + "</title>";
  }

  double PlotBottom() const { return height_ - kBottom; }
  double PlotHeight() const { return height_ - kBottom - kTop; }
  double PlotWidth() const { return kWidth - kLeft - kRight; }
  // Vertical position of value `v` on the y axis, clamped to the plot.
  double Y(double v) const {
    const ChartAxis& y = spec_.y;
    const double f = y.max > y.min ? (std::clamp(v, y.min, y.max) - y.min) / (y.max - y.min) : 0.5;
    return PlotBottom() - f * PlotHeight();
  }

  void Rule(double x1, double y1, double x2, double y2, bool dashed = false) {
    out_ += "<line x1=\"" + Coord(x1) + "\" y1=\"" + Coord(y1) + "\" x2=\"" + Coord(x2) +
            "\" y2=\"" + Coord(y2) + "\" stroke=\"" + kRule + "\" stroke-width=\"1\"" +
            (dashed ? " stroke-dasharray=\"4 3\"" : "") + "/>";
  }
  void Text(double x, double y, const char* anchor, const std::string& text) {
    if (text.empty()) return;
    out_ += "<text x=\"" + Coord(x) + "\" y=\"" + Coord(y) + "\" text-anchor=\"" + anchor +
            "\" font-size=\"11\" fill=\"" + kLabel + "\">" + HtmlEscape(text) + "</text>";
  }
  // Axis lines, the y labels at both ends and the x labels under both ends.
  void Frame() {
    Rule(kLeft, kTop, kLeft, PlotBottom());
    Rule(kLeft, PlotBottom(), kWidth - kRight, PlotBottom());
    Rule(kLeft - 4, Y(spec_.y.max), kLeft, Y(spec_.y.max));
    Text(kLeft - 6, Y(spec_.y.max) + 4, "end", spec_.y.max_label);
    Text(kLeft - 6, Y(spec_.y.min) + 4, "end", spec_.y.min_label);
    Text(kLeft, height_ - 8, "start", spec_.x.min_label);
    Text(kWidth - kRight, height_ - 8, "end", spec_.x.max_label);
    for (const ChartGuide& g : spec_.guides) {
      Rule(kLeft, Y(g.y), kWidth - kRight, Y(g.y), /*dashed=*/true);
      Text(kWidth - kRight - 2, Y(g.y) - 3, "end", g.label);
    }
  }
  void Add(const std::string& markup) { out_ += markup; }
  std::string Finish() { return std::move(out_) + "</svg>"; }

 private:
  const ChartSpec& spec_;
  const double height_;
  std::string out_;
};

std::string Tooltip(const std::string& label) {
  return label.empty() ? "" : "<title>" + HtmlEscape(label) + "</title>";
}

}  // namespace

std::string SvgBarChart(const ChartSpec& spec) {
  Canvas c(spec, 200);
  c.Frame();
  const double slots = std::max(1.0, spec.x.max - spec.x.min + 1);
  const double slot = c.PlotWidth() / slots;
  const double bar = std::max(1.0, slot * 0.72);
  for (const ChartPoint& p : spec.points) {
    const double x = kLeft + (p.x - spec.x.min) * slot + (slot - bar) / 2;
    const double top = c.Y(p.y);
    c.Add("<rect class=\"bar\" x=\"" + Coord(x) + "\" y=\"" + Coord(top) + "\" width=\"" +
          Coord(bar) + "\" height=\"" + Coord(c.PlotBottom() - top) + "\" fill=\"" + kInk + "\">" +
          Tooltip(p.label) + "</rect>");
  }
  return c.Finish();
}

std::string SvgLineChart(const ChartSpec& spec) {
  Canvas c(spec, 160);
  c.Frame();
  const double slot = c.PlotWidth() / std::max(1.0, spec.x.max - spec.x.min + 1);
  auto x_of = [&](double x) { return kLeft + (x - spec.x.min + 0.5) * slot; };
  std::string line, points;
  for (const ChartPoint& p : spec.points) {
    const std::string x = Coord(x_of(p.x)), y = Coord(c.Y(p.y));
    line += (line.empty() ? "" : " ") + x + "," + y;
    points += "<circle class=\"point\" cx=\"" + x + "\" cy=\"" + y + "\" r=\"3.5\" fill=\"" + kInk +
              "\">" + Tooltip(p.label) + "</circle>";
  }
  if (spec.points.size() > 1) {
    c.Add("<polyline class=\"line\" points=\"" + line + "\" fill=\"none\" stroke=\"" + kInk +
          "\" stroke-width=\"2\" stroke-linejoin=\"round\"/>");
  }
  c.Add(points);
  return c.Finish();
}

}  // namespace haven
