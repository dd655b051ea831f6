// The measures as people see them: the terminal table of `haven stats` and
// the HTML report, from the JSON ComputeStats builds.
#include <regex>
#include <sstream>

#include "common/care_note.h"
#include "common/measure_words.h"
#include "common/stats_render.h"
#include "server/insights/html_measures.h"
#include "server/insights/html_stats.h"
#include "server/insights/stats.h"
#include "tests/insights/test_support.h"

namespace haven {
namespace {

using nlohmann::json;

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class MeasuresViewTest : public testing::LocalTimeTest {
 protected:
  void Who5(const std::string& at, double percent, const std::string& flag) {
    Add("who-5", at, {{"q1", 3}, {"q2", 3}}, {{"percent", percent}, {"flag", flag}});
  }
  // Four WHO-5 takings with more practice before the better ones.
  void History(const std::string& last_flag = "none") {
    Who5("2026-10-01 09:00", 40, "low");
    Add("mindfulness", "2026-10-10 09:00", {{"minutes", 10}});
    Add("mindfulness", "2026-10-11 09:00", {{"minutes", 10}});
    Who5("2026-10-15 09:00", 60, "none");
    Add("letter", "2026-10-25 09:00", {});
    Who5("2026-11-01 09:00", 52, "none");
    for (int d = 10; d <= 12; ++d) Add("letter", "2026-11-" + std::to_string(d) + " 09:00", {});
    Who5("2026-11-15 09:00", last_flag == "low" ? 44 : 72, last_flag);
    Add("ecr-rs", "2026-11-16 09:00", {{"relationship", "partner"}, {"q1", 2}},
        {{"avoidance", 13.0 / 6}, {"anxiety", 3}});
  }
  json Stats() {
    StatsOptions o;
    o.numeric_fields["who-5"] = {{"q1", true, 0, 5}, {"q2", true, 0, 5}};
    return ComputeStats(All(), o, T("2026-11-20 12:00"));
  }
  std::string Table() { return RenderStatsTable(Stats(), {.color = false, .width = 200}); }
};

TEST_F(MeasuresViewTest, TableShowsEachMeasureItsChangeAndWhenItIsDue) {
  History();
  const std::string t = Table();
  EXPECT_NE(t.find("\nMeasures\n"), std::string::npos) << t;
  EXPECT_NE(t.find("  Well-being (WHO-5)\n    72% on 2026-11-15; first 40% on 2026-10-01: "
                   "+32, a meaningful change; +20 since the one before, a meaningful change\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("4 takings, next due 2026-11-29"), std::string::npos) << t;
  // ECR-RS: per relationship and score, two decimals, no band or style label.
  EXPECT_NE(t.find("  Attachment (ECR-RS), partner: avoidance\n    2.17 on 2026-11-16\n"),
            std::string::npos)
      << t;
  EXPECT_EQ(t.find("avoidant"), std::string::npos);
  // The items are shown through the scores, not as fields.
  EXPECT_EQ(t.find("who-5.q1"), std::string::npos) << t;
}

TEST_F(MeasuresViewTest, NarrowTerminalsWrapSentencesWithinTheirWidth) {
  History("low");
  const std::string t = RenderStatsTable(Stats(), {.color = false, .width = 40});
  std::istringstream lines(t);
  int counted = 0;
  for (std::string line; std::getline(lines, line); ++counted) {
    int columns = 0;
    for (char c : line) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    EXPECT_LE(columns, 40) << line;
  }
  EXPECT_GT(counted, 20);
  EXPECT_NE(t.find("talk things over"), std::string::npos) << t;  // the calm line, wrapped
}

TEST_F(MeasuresViewTest, PracticeAndMeasuresSaysItIsNoProof) {
  History();
  const std::string t = RenderStatsTable(Stats(), {.color = false, .width = 400});
  EXPECT_NE(t.find("\nPractice and measures\n"), std::string::npos) << t;
  EXPECT_NE(t.find("    2026-11-01  52%        1\n"), std::string::npos) << t;
  // Four takings: a hint at most, however tidy.
  EXPECT_NE(t.find("more practice in the 14 days before a taking tended a little to go with "
                   "higher well-being (Spearman's rho 1.00)."),
            std::string::npos)
      << t;
  EXPECT_NE(t.find(kNotProofNote), std::string::npos);
  EXPECT_EQ(t.find(kLowWellBeingNote), std::string::npos);  // the latest is not low
}

TEST_F(MeasuresViewTest, TheCalmLineFollowsALowLatestWellBeingOnce) {
  History("low");
  const std::string t = RenderStatsTable(Stats(), {.color = false, .width = 400});
  EXPECT_EQ(Count(t, std::string(kLowWellBeingNote)), 1u) << t;
  // Not in the report: a file that lasts and may be shared.
  const std::string html = HtmlStatsSections(Stats(), {});
  EXPECT_EQ(Count(html, std::string(kLowWellBeingNote)), 0u);
}

TEST_F(MeasuresViewTest, HtmlDrawsTheMeasureWithPracticeBarsOnOneTimeAxis) {
  History();
  const std::string html = HtmlStatsSections(Stats(), {});
  EXPECT_NE(html.find("<h2>Measures and practice</h2>"), std::string::npos) << html;
  EXPECT_NE(html.find("aria-label=\"Well-being (WHO-5) at each taking\""), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"Practice entries in the 14 days before each taking\""),
            std::string::npos);
  // Four takings: four points on the line, four bars under it.
  const size_t figure = html.find("<figure class=\"measure\"><h3>Well-being (WHO-5)</h3>");
  ASSERT_NE(figure, std::string::npos);
  const std::string who5 = html.substr(figure, html.find("</figure>", figure) - figure);
  EXPECT_EQ(Count(who5, "<circle class=\"point\""), 4u);
  EXPECT_EQ(Count(who5, "<rect class=\"bar\""), 4u);
  EXPECT_NE(who5.find("<td>2026-11-01</td><td class=\"num\">52%</td><td "
                      "class=\"num\">1</td>"),
            std::string::npos)
      << who5;
  EXPECT_NE(who5.find("not proof that one causes the other"), std::string::npos);
  // The split measure has its own figures, without the association (one taking).
  EXPECT_NE(html.find("<h3>Attachment (ECR-RS), partner: anxiety</h3>"), std::string::npos);
}

TEST_F(MeasuresViewTest, FewerThanFourTakingsSayNothingAboutALink) {
  Who5("2026-10-01 09:00", 40, "low");
  Add("letter", "2026-10-10 09:00", {});
  Who5("2026-10-15 09:00", 60, "none");
  const std::string t = Table();
  EXPECT_NE(t.find("Well-being (WHO-5)"), std::string::npos);
  EXPECT_EQ(t.find("Practice and measures"), std::string::npos) << t;
  EXPECT_EQ(HtmlStatsSections(Stats(), {}).find("not proof"), std::string::npos);
}

TEST_F(MeasuresViewTest, UnderATypeFilterThereAreNoPracticeBars) {
  History();
  StatsOptions o;
  o.type = "who-5";
  const std::string html = HtmlStatsSections(ComputeStats(All(), o, T("2026-11-20 12:00")), {});
  const size_t figure = html.find("<figure class=\"measure\">");
  ASSERT_NE(figure, std::string::npos) << html;
  EXPECT_EQ(Count(html, "<circle class=\"point\""), 4u);
  EXPECT_EQ(html.find("Practice entries in the 14 days"), std::string::npos);
  EXPECT_EQ(html.find("a bar for how many practice entries"), std::string::npos);
  EXPECT_EQ(html.find("Practice, 14 days before"), std::string::npos);
  EXPECT_EQ(html.find("not proof"), std::string::npos);
}

TEST(AssociationSentenceTest, WordsFollowTheStrengthAndTheNumberOfTakings) {
  auto sentence = [](double rho, int n, const char* better = "higher") {
    return AssociationSentence(
        {{"label", "resilience"},
         {"better", better},
         {"association", {{"n", n}, {"window_days", 14}, {"spearman", rho}}}});
  };
  EXPECT_EQ(sentence(0.62, 9),
            "Over 9 takings, more practice in the 14 days before a taking went with higher "
            "resilience (Spearman's rho 0.62).");
  EXPECT_EQ(sentence(-0.62, 9),
            "Over 9 takings, more practice in the 14 days before a taking went with lower "
            "resilience (Spearman's rho -0.62).");
  EXPECT_NE(sentence(0.3, 12).find("tended a little to go with higher"), std::string::npos);
  EXPECT_NE(sentence(0.9, 5).find("tended a little to go with higher"), std::string::npos);
  EXPECT_NE(sentence(0.05, 12).find("showed almost no link"), std::string::npos);
  const nlohmann::json constant = {{"label", "resilience"},
                                   {"association", {{"n", 4}, {"spearman", nullptr}}}};
  EXPECT_NE(AssociationSentence(constant).find("cannot be compared yet"), std::string::npos);
  EXPECT_EQ(AssociationSentence({{"association", nullptr}}), "");
}

TEST_F(MeasuresViewTest, ManyTakingsShowTheLatestAndSaySoWithoutDroppingAnyFromTheLink) {
  for (int i = 0; i < 15; ++i) {
    const int64_t at = T("2026-01-01 09:00") + i * 14LL * 86400 * 1'000'000;
    Who5(FormatRfc3339(at), 40 + i, "low");
  }
  const std::string t = RenderStatsTable(Stats(), {.color = false, .width = 200});
  EXPECT_NE(t.find("(3 earlier takings not shown)"), std::string::npos) << t;
  EXPECT_NE(t.find("Over 15 takings"), std::string::npos) << t;
}

TEST(MeasuresViewToleranceTest, MistypedMeasuresNeverThrow) {
  const json odd = {{"total", 2},
                    {"measures",
                     {{"who-5", {{"series", "x"}, {"latest", 3}, {"n", "two"}, {"range", {1}}}},
                      {"ecr-rs", {{"partner", {{"anxiety", {{"series", {1, {{"value", "v"}}}}}}}}}},
                      {"swls", 7}}}};
  std::string text, html;
  EXPECT_NO_THROW(text = RenderStatsTable(odd, {.color = false, .width = 80}));
  EXPECT_NO_THROW(html = HtmlStatsSections(odd, {}));
  EXPECT_NO_THROW(html = HtmlMeasuresSection(json::array()));
  EXPECT_TRUE(html.empty());
  EXPECT_FALSE(LatestWellBeingIsLow(json("low")));
}

}  // namespace
}  // namespace haven
