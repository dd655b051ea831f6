#include "server/insights/export_html.h"

#include <regex>

#include "server/insights/html_stats.h"
#include "server/insights/stats.h"
#include "tests/insights/test_support.h"

namespace haven {
namespace {

using nlohmann::json;

constexpr char kHostile[] = "</script><img src=x onerror=alert(1)>";
constexpr char kHostileEscaped[] = "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;";

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The x of every <rect class="bar">, left to right.
std::vector<double> BarXs(const std::string& html) {
  std::vector<double> xs;
  static const std::regex kBar("<rect class=\"bar\" x=\"([0-9.]+)\"");
  for (std::sregex_iterator it(html.begin(), html.end(), kBar), end; it != end; ++it) {
    xs.push_back(std::stod((*it)[1]));
  }
  return xs;
}

// Every element the report opens is closed again.
void ExpectBalanced(const std::string& html) {
  for (const char* tag : {"section", "article", "figure", "svg", "table", "dl", "header", "footer",
                          "main", "body", "html", "head", "style"}) {
    EXPECT_EQ(Count(html, "<" + std::string(tag) + ">") + Count(html, "<" + std::string(tag) + " "),
              Count(html, "</" + std::string(tag) + ">"))
        << tag;
  }
}

class HtmlReportTest : public testing::LocalTimeTest {
 protected:
  std::map<std::string, MarkdownType> Types() const {
    std::map<std::string, MarkdownType> types;
    types["checkin"] = {"Check-in", {{"mood", "Mood", false}, {"note", "Note", true}}};
    types["break"] = {"Self-Compassion Break",
                      {{"situation", "What happened", true},
                       {"distress_before", "", false},
                       {"distress_after", "", false}}};
    return types;
  }
  StatsOptions Options() const {
    StatsOptions o;
    o.numeric_fields["checkin"] = {{"mood", true, 0, 10}};
    o.numeric_fields["mindfulness"] = {{"minutes", false, 0, 1440}};
    o.numeric_fields["break"] = {{"distress_before", true, 0, 10}, {"distress_after", true, 0, 10}};
    return o;
  }
  std::string Report(const StatsOptions& o, HtmlReportOptions options = {}) {
    options.generated_us = T("2026-11-25 12:00");
    const json stats = ComputeStats(All(), o, T("2026-11-25 12:00"));
    return ExportHtml(stats, All(), Types(), options);
  }
};

TEST_F(HtmlReportTest, HostileTextIsEscapedEverywhere) {
  Entry& a = Add("checkin", "2026-11-20 08:30", {{"mood", 7}, {"note", kHostile}});
  a.tags = {kHostile};
  Add("break", "2026-11-21 09:00", {{"situation", kHostile}, {"distress_before", 8}});
  // A type this device has no plugin for: its id and field names are shown as they are.
  Add(kHostile, "2026-11-22 10:00", {{kHostile, kHostile}, {"minutes", 3}});
  StatsOptions o = Options();
  o.summarize = [](const std::string&, const std::vector<const Entry*>&) {
    return std::vector<std::string>{kHostile};
  };
  HtmlReportOptions options;
  options.scope = kHostile;
  const std::string html = Report(o, options);
  EXPECT_EQ(Count(html, "<img"), 0u) << html;
  EXPECT_EQ(Count(html, "</script"), 0u) << html;
  EXPECT_EQ(Count(html, "onerror=alert(1)>"), 0u) << html;
  // note, tag, situation, unknown type's title, field name and value, scope,
  // and plugin lines: at least one each.
  EXPECT_GE(Count(html, kHostileEscaped), 8u) << html;
}

TEST_F(HtmlReportTest, NothingReachesOutsideThePage) {
  Add("checkin", "2026-11-03 08:00", {{"mood", 4}, {"note", "see https://example.org"}});
  Add("checkin", "2026-11-10 08:00", {{"mood", 6}});
  Add("break", "2026-11-11 08:00",
      {{"situation", "x"}, {"distress_before", 8}, {"distress_after", 5}},
      {{"distress_change", -3}});
  Add("scs-sf", "2026-11-12 08:00", {}, {{"total", 3.2}, {"self_kindness", 3.5}});
  StatsOptions o = Options();
  o.summarize = [](const std::string& type, const std::vector<const Entry*>&) {
    return std::vector<std::string>{type + " went well"};
  };
  std::string html = Report(o);
  // The person's own text may hold a link; it is shown as text, never followed.
  EXPECT_NE(html.find("see https://example.org"), std::string::npos);
  html.erase(html.find("see https://example.org"), 23);
  for (const char* outside : {"http://", "https://", "<script", "<link", "<img", "<iframe",
                              "<object", "@import", "url(", "src=", "href="}) {
    EXPECT_EQ(html.find(outside), std::string::npos) << outside;
  }
  EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none'; style-src "
                      "'unsafe-inline'; img-src data:"),
            std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  ExpectBalanced(html);
}

TEST_F(HtmlReportTest, OneBarPerWeekWithEntriesOnATimeAxis) {
  Add("checkin", "2026-11-03 08:00", {{"mood", 4}});  // 2026-W45
  Add("checkin", "2026-11-04 08:00", {{"mood", 5}});  // 2026-W45
  Add("checkin", "2026-11-10 08:00", {{"mood", 6}});  // 2026-W46
  Add("checkin", "2026-11-24 08:00", {{"mood", 7}});  // 2026-W48, after an empty week
  const std::string html = Report(Options());
  const std::vector<double> xs = BarXs(html);
  ASSERT_EQ(xs.size(), 3u) << html;
  // The empty week 47 keeps its place: the third bar stands two slots on.
  EXPECT_NEAR(xs[2] - xs[1], 2 * (xs[1] - xs[0]), 0.2);
  EXPECT_NE(html.find("<title>2026-W45: 2 entries</title>"), std::string::npos);
  EXPECT_NE(html.find(">2026-W45</text>"), std::string::npos);
  EXPECT_NE(html.find(">2026-W48</text>"), std::string::npos);
}

TEST_F(HtmlReportTest, LongHistoriesDrawTheLatestWeeks) {
  for (int w = 0; w < kReportMaxWeeks + 16; ++w) {
    Add("checkin", "2024-01-01 08:00", {{"mood", 5}}).at_us += int64_t{w} * 7 * 86400 * 1000000;
  }
  const std::string html = Report(Options());
  EXPECT_EQ(BarXs(html).size(), static_cast<size_t>(kReportMaxWeeks));
  EXPECT_NE(html.find("Only the latest 104 weeks are drawn."), std::string::npos);
}

TEST_F(HtmlReportTest, OneLineChartPerNumericFieldOnItsScale) {
  Add("checkin", "2026-11-03 08:00", {{"mood", 4}});
  Add("checkin", "2026-11-10 08:00", {{"mood", 6}});
  Add("checkin", "2026-11-17 08:00", {{"mood", 8}});
  Add("break", "2026-11-10 09:00",
      {{"situation", "x"}, {"distress_before", 8}, {"distress_after", 5}},
      {{"distress_change", -3}});
  Add("break", "2026-11-17 09:00",
      {{"situation", "y"}, {"distress_before", 6}, {"distress_after", 5}},
      {{"distress_change", -1}});
  const std::string html = Report(Options());
  // checkin.mood, break.distress_before, break.distress_after.
  EXPECT_EQ(Count(html, "<polyline class=\"line\""), 3u) << html;
  EXPECT_EQ(Count(html, "<circle class=\"point\""), 3u + 2u + 2u);
  EXPECT_NE(html.find("<h3>Check-in · mood</h3>"), std::string::npos);
  EXPECT_NE(html.find("3 entries · mean 6.0 · lowest 4 · highest 8 · +2.00 a week"),
            std::string::npos)
      << html;
  // The axis is the field's declared scale, 0 to 10.
  const size_t chart = html.find("aria-label=\"Check-in · mood, weekly mean\"");
  ASSERT_NE(chart, std::string::npos);
  const std::string svg = html.substr(chart, html.find("</svg>", chart) - chart);
  EXPECT_NE(svg.find(">10</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">0</text>"), std::string::npos) << svg;
  // Minutes may be up to a day, but an axis to 1440 would flatten them.
  Add("mindfulness", "2026-11-10 07:00", {{"minutes", 10}});
  Add("mindfulness", "2026-11-17 07:00", {{"minutes", 20}});
  const std::string with_minutes = Report(Options());
  const size_t minutes = with_minutes.find("aria-label=\"mindfulness · minutes, weekly mean\"");
  ASSERT_NE(minutes, std::string::npos) << with_minutes;
  const std::string minutes_svg =
      with_minutes.substr(minutes, with_minutes.find("</svg>", minutes) - minutes);
  EXPECT_NE(minutes_svg.find(">20</text>"), std::string::npos) << minutes_svg;
  EXPECT_EQ(minutes_svg.find(">1440</text>"), std::string::npos) << minutes_svg;
  // Before/after as a table: mean change of the two breaks.
  EXPECT_NE(html.find("<td>Self-Compassion Break · distress change</td><td class=\"num\">2</td>"
                      "<td class=\"num\">\u22122.00</td>"),
            std::string::npos)
      << html;
}

TEST_F(HtmlReportTest, SummaryAndScsSf) {
  Add("checkin", "2026-11-23 08:00", {{"mood", 4}});
  Add("checkin", "2026-11-24 08:00", {{"mood", 6}});
  Add("checkin", "2026-11-25 08:00", {{"mood", 6}});
  Add("scs-sf", "2026-11-02 08:00", {}, {{"total", 2.1}});
  Add("scs-sf", "2026-11-24 08:00", {}, {{"total", 3.8}, {"self_kindness", 4.5}});
  const std::string html = Report(Options());
  EXPECT_NE(html.find("<dt>Entries</dt><dd>5</dd>"), std::string::npos) << html;
  EXPECT_NE(html.find("<dt>Current streak</dt><dd>3 days</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dt>Active days, last 30</dt><dd>4 of 30</dd>"), std::string::npos);
  EXPECT_NE(html.find("<p class=\"meta\">2026-11-02 to 2026-11-25</p>"), std::string::npos);
  EXPECT_NE(html.find("Latest total <strong>3.80</strong> (high) on 2026-11-24"),
            std::string::npos);
  EXPECT_NE(html.find("aria-label=\"Self-Compassion Scale total over time\""), std::string::npos);
  EXPECT_NE(html.find(">high above 3.5</text>"), std::string::npos);
  EXPECT_NE(html.find("<td>self kindness</td><td class=\"num\">4.50</td>"), std::string::npos);
}

TEST_F(HtmlReportTest, JournalByDayWithTextKept) {
  Entry& a = Add("break", "2026-11-19 23:30",
                 {{"situation", "Argument with my sister.\nTwo lines."}, {"distress_before", 8}},
                 {{"distress_change", -3}});
  a.tags = {"family", "hard"};
  Add("checkin", "2026-11-20 00:30", {{"mood", 6}});
  Add("checkin", "2026-11-20 09:00", {{"mood", 7}});
  const std::string html = Report(Options());
  const size_t thursday = html.find("<h3 class=\"day\">Thursday 2026-11-19</h3>");
  const size_t friday = html.find("<h3 class=\"day\">Friday 2026-11-20</h3>");
  ASSERT_NE(thursday, std::string::npos) << html;
  ASSERT_NE(friday, std::string::npos);
  EXPECT_LT(thursday, friday);
  EXPECT_EQ(Count(html, "<h3 class=\"day\">"), 2u);
  EXPECT_EQ(Count(html, "<article class=\"entry\">"), 3u);
  EXPECT_NE(html.find("<time datetime=\"2026-11-19T23:30:00+01:00\">23:30</time> · "
                      "Self-Compassion Break"),
            std::string::npos);
  EXPECT_NE(html.find("<p class=\"tags\">Tags: family, hard</p>"), std::string::npos);
  EXPECT_NE(html.find("<p class=\"body\">Argument with my sister.\nTwo lines.</p>"),
            std::string::npos);
  EXPECT_NE(html.find("<dt>distress before</dt><dd>8</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dt>distress change <small>(computed)</small></dt><dd>-3</dd>"),
            std::string::npos);
  EXPECT_EQ(html.find("There are no entries"), std::string::npos);
}

TEST_F(HtmlReportTest, EmptyHistoryIsAWholePageSayingSo) {
  const std::string html = Report(Options());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.substr(html.size() - 15), "</body></html>\n");
  EXPECT_NE(html.find("There are no entries in this report yet."), std::string::npos) << html;
  EXPECT_NE(html.find("There are no entries in this report.</p>"), std::string::npos);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("<article"), std::string::npos);
  ExpectBalanced(html);
}

TEST(HtmlStatsSectionsTest, ToleratesMissingAndMistypedKeys) {
  const json odd = {{"total", 3},
                    {"by_type", {{"checkin", "three"}}},
                    {"by_week", {1, 2}},
                    {"streak", 5},
                    {"fields", {{"checkin.mood", {{"weekly", "none"}, {"n", "x"}}}}},
                    {"deltas", {{"break.distress_change", 1}}},
                    {"scs_sf", {{"series", {{{"at", 7}}}}, {"latest", "x"}}},
                    {"summaries", {{"break", "not a list"}, {"checkin", {1, "ok"}}}}};
  std::string html;
  EXPECT_NO_THROW(html = HtmlStatsSections(odd, {}));
  EXPECT_NE(html.find("<dt>Entries</dt><dd>3</dd>"), std::string::npos) << html;
  EXPECT_NE(html.find("<strong>checkin</strong>: ok"), std::string::npos) << html;
  EXPECT_NO_THROW(html = HtmlStatsSections(json::array(), {}));
  EXPECT_NE(html.find("There are no entries"), std::string::npos);
}

}  // namespace
}  // namespace haven
