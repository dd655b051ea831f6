#include "server/insights/svg_chart.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

namespace haven {
namespace {

TEST(SvgChartTest, LineChartClampsToItsAxisAndDrawsGuides) {
  ChartSpec c;
  c.title = "t";
  c.x = {0, 2, "start", "end"};
  c.y = {0, 10, "0", "10"};
  c.points = {{0, -5, "low"}, {1, 5, "mid"}, {2, 50, "high"}};
  c.guides = {{5, "half"}};
  const std::string svg = SvgLineChart(c);
  static const std::regex kPoint("<circle class=\"point\" cx=\"[0-9.]+\" cy=\"([0-9.]+)\"");
  std::vector<double> ys;
  for (std::sregex_iterator it(svg.begin(), svg.end(), kPoint), end; it != end; ++it) {
    ys.push_back(std::stod((*it)[1]));
  }
  ASSERT_EQ(ys.size(), 3u) << svg;
  EXPECT_NEAR(ys[0], 134, 0.1) << "clamped to the bottom of the plot";
  EXPECT_NEAR(ys[2], 14, 0.1) << "clamped to the top of the plot";
  EXPECT_NEAR(ys[1], 74, 0.1);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_NE(svg.find(">half</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>mid</title>"), std::string::npos);
}

std::vector<double> Numbers(const std::string& svg, const std::string& pattern) {
  std::vector<double> out;
  const std::regex re(pattern);
  for (std::sregex_iterator it(svg.begin(), svg.end(), re), end; it != end; ++it) {
    out.push_back(std::stod((*it)[1]));
  }
  return out;
}

TEST(SvgChartTest, BarsAndPointsOfTheSameSlotLineUp) {
  ChartSpec c;
  c.x = {10, 13, "first", "last"};
  c.y = {0, 4, "0", "4"};
  c.points = {{10, 1, ""}, {11, 4, ""}, {13, 2, ""}};  // slot 12 is empty
  const std::string bars = SvgBarChart(c);
  const std::vector<double> x = Numbers(bars, "<rect class=\"bar\" x=\"([0-9.]+)\"");
  const std::vector<double> width = Numbers(bars, "<rect class=\"bar\"[^>]* width=\"([0-9.]+)\"");
  const std::vector<double> height = Numbers(bars, "<rect class=\"bar\"[^>]* height=\"([0-9.]+)\"");
  const std::vector<double> cx =
      Numbers(SvgLineChart(c), "<circle class=\"point\" cx=\"([0-9.]+)\"");
  ASSERT_EQ(x.size(), 3u) << bars;
  ASSERT_EQ(width.size(), 3u);
  ASSERT_EQ(cx.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(x[i] + width[i] / 2, cx[i], 0.2) << i;
  EXPECT_NEAR(cx[2] - cx[1], 2 * (cx[1] - cx[0]), 0.2) << "the empty slot keeps its place";
  EXPECT_NEAR(height[1], 4 * height[0], 0.2);
  EXPECT_NEAR(height[2], 2 * height[0], 0.2);
}

}  // namespace
}  // namespace haven
