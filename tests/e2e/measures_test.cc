// The measures end to end (docs/measures.md): questionnaires logged with
// the real `haven`, scored by the built-in plugins in the real `havend`,
// shown by `haven stats` next to the practice, drawn in the HTML report in a
// real headless browser, and synced to a second device through a hub with
// their scores unchanged.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/care_note.h"
#include "tests/e2e/browser.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/sync_harness.h"

namespace haven::e2e {
namespace {

using nlohmann::json;

constexpr char kNotProof[] = "not proof that one causes the other";

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// `text` with every run of spaces and line breaks made one space: stats
// wraps its sentences to the terminal's width.
std::string Flat(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n';
    if (!space || (!out.empty() && out.back() != ' ')) out += space ? ' ' : c;
  }
  return out;
}

// `haven log TYPE -f q1=.. -f qN=.. [more...] --at AT`; the new id.
std::string LogAnswers(const TestHome& home, const std::string& type,
                       const std::vector<int>& answers, const std::string& at,
                       std::vector<std::string> more = {}) {
  std::vector<std::string> args = {type};
  for (size_t i = 0; i < answers.size(); ++i) {
    args.insert(args.end(), {"-f", "q" + std::to_string(i + 1) + "=" + std::to_string(answers[i])});
  }
  args.insert(args.end(), more.begin(), more.end());
  args.insert(args.end(), {"--at", at});
  return home.Log(args);
}

void Practice(const TestHome& home, const std::string& at) {
  home.Log({"mindfulness", "-f", "minutes=10", "--at", at});
}

// Four WHO-5 takings with 0, 2, 1 and 3 practice entries in the 14 days
// before each: practice and well-being in the same order.
void FourWellBeingTakings(const TestHome& home) {
  LogAnswers(home, "who-5", {2, 2, 2, 2, 2}, "2026-10-01 09:00");  // 40%, low
  Practice(home, "2026-10-10 09:00");
  Practice(home, "2026-10-11 09:00");
  LogAnswers(home, "who-5", {3, 3, 3, 3, 3}, "2026-10-15 09:00");  // 60%
  Practice(home, "2026-10-25 09:00");
  LogAnswers(home, "who-5", {3, 3, 2, 3, 2}, "2026-11-01 09:00");  // 52%
  for (const char* at : {"2026-11-10 09:00", "2026-11-11 09:00", "2026-11-12 09:00"}) {
    Practice(home, at);
  }
  LogAnswers(home, "who-5", {3, 4, 2, 5, 3}, "2026-11-15 09:00");  // 68%
}

TEST(MeasuresTest, StatsHoldEveryMeasureNextToThePracticeBeforeIt) {
  TestHome home;
  home.Init();
  FourWellBeingTakings(home);
  LogAnswers(home, "swls", {5, 5, 4, 4, 3}, "2026-11-02 20:00");    // 21
  LogAnswers(home, "brs", {4, 2, 4, 2, 4, 2}, "2026-11-03 20:00");  // (4+4+4+4+4+4)/6
  LogAnswers(home, "ecr-rs", {2, 3, 4, 5, 5, 6, 2, 3, 4}, "2026-11-04 20:00",
             {"-f", "relationship=partner"});  // avoidance (6+5+4+3+5+6)/6, anxiety 3
  LogAnswers(home, "ecr-rs", {7, 7, 7, 7, 1, 1, 1, 1, 1}, "2026-11-05 20:00",
             {"-f", "relationship=mother"});  // avoidance (1+1+1+1+1+1)/6, anxiety 1

  const json m = home.Json({"stats"})["measures"];
  const json& who5 = m["who-5"];
  EXPECT_EQ(who5["n"], 4) << m.dump(1);
  EXPECT_EQ(who5["first"]["value"], 40);
  EXPECT_EQ(who5["first"]["flag"], "low");
  EXPECT_EQ(who5["latest"]["value"], 68);
  EXPECT_EQ(who5["latest"]["flag"], "none");
  EXPECT_EQ(who5["change"], 28);
  EXPECT_EQ(who5["meaningful_change"], true);
  std::vector<int> practice;
  for (const json& p : who5["series"]) practice.push_back(p["practice_14d"].get<int>());
  // The SWLS, BRS and ECR-RS takings between are measures, not practice.
  EXPECT_EQ(practice, (std::vector<int>{0, 2, 1, 3}));
  EXPECT_EQ(who5["association"]["n"], 4);
  EXPECT_EQ(who5["association"]["spearman"], 1.0);
  EXPECT_EQ(m["swls"]["latest"]["value"], 21);
  EXPECT_EQ(m["swls"]["latest"]["band"], "slightly-satisfied");
  EXPECT_EQ(m["brs"]["latest"]["value"], 4.0);
  EXPECT_EQ(m["brs"]["latest"]["band"], "normal");
  EXPECT_EQ(m["ecr-rs"]["partner"]["avoidance"]["latest"]["value"], 4.833);
  EXPECT_EQ(m["ecr-rs"]["partner"]["anxiety"]["latest"]["value"], 3.0);
  EXPECT_EQ(m["ecr-rs"]["mother"]["avoidance"]["latest"]["value"], 1.0);
  EXPECT_TRUE(m["swls"]["association"].is_null());  // one taking

  RunResult table = home.Run({"stats"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_NE(table.out.find("Well-being (WHO-5)"), std::string::npos) << table.out;
  EXPECT_NE(
      Flat(table.out).find("68% on 2026-11-15; first 40% on 2026-10-01: +28, a "
                           "meaningful change; +16 since the one before, a meaningful change"),
      std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("Practice and measures"), std::string::npos);
  EXPECT_NE(Flat(table.out).find(kNotProof), std::string::npos) << table.out;
  EXPECT_EQ(Flat(table.out).find(kLowWellBeingNote), std::string::npos) << "the latest is not low";
}

TEST(MeasuresTest, StatsShowTheCalmLineOnceWhileTheLatestWellBeingIsLow) {
  TestHome home;
  home.Init();
  LogAnswers(home, "who-5", {4, 4, 4, 4, 4}, "2026-11-01 09:00");  // 80%
  LogAnswers(home, "who-5", {3, 3, 3, 3, 0}, "2026-11-15 09:00");  // 48%, low
  RunResult low = home.Run({"stats"});
  ASSERT_EQ(low.exit_code, 0) << low;
  EXPECT_EQ(Count(Flat(low.out), std::string(kLowWellBeingNote)), 1u) << low.out;
  EXPECT_EQ(home.Json({"stats"})["measures"]["who-5"]["latest"]["flag"], "low");

  LogAnswers(home, "who-5", {4, 4, 3, 4, 4}, "2026-11-29 09:00");  // 76%
  RunResult better = home.Run({"stats"});
  EXPECT_EQ(Flat(better.out).find(kLowWellBeingNote), std::string::npos) << better.out;
}

TEST(MeasuresTest, HtmlReportDrawsEachMeasureOverPracticeInABrowser) {
  const std::string chromium = FindChromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "no chromium on PATH (./scripts/deps installs Debian's chromium)";
  }
  TestHome home;
  home.Init();
  FourWellBeingTakings(home);
  const std::string report = home.Scratch("report.html");
  RunResult exported = home.Run({"export", "--format", "html", "-o", report});
  ASSERT_EQ(exported.exit_code, 0) << exported;

  BrowserVisit visit = Visit(chromium, home, report, "report");
  ASSERT_EQ(visit.run.exit_code, 0) << visit.run;
  ASSERT_TRUE(visit.net_log_read);
  EXPECT_TRUE(visit.page_requests.empty());
  const std::string& dom = visit.run.out;
  const size_t at = dom.find("<figure class=\"measure\"><h3>Well-being (WHO-5)</h3>");
  ASSERT_NE(at, std::string::npos) << dom;
  const std::string figure = dom.substr(at, dom.find("</figure>", at) - at);
  EXPECT_EQ(Count(figure, "<circle class=\"point\""), 4u) << figure;
  EXPECT_EQ(Count(figure, "<rect class=\"bar\""), 4u) << figure;
  EXPECT_NE(figure.find("Latest 68% on 2026-11-15"), std::string::npos) << figure;
  EXPECT_NE(figure.find("go with higher well-being"), std::string::npos) << figure;
  EXPECT_NE(figure.find(kNotProof), std::string::npos);
}

TEST(MeasuresTest, AMeasureReachesASecondDeviceWithItsScores) {
  Hub hub;
  ASSERT_TRUE(hub.Start());
  TestHome d1, d2;
  const json init = d1.Init();
  const std::string who5 = LogAnswers(d1, "who-5", {3, 3, 3, 3, 0}, "2026-11-15 09:00");
  const std::string ecr = LogAnswers(d1, "ecr-rs", {2, 3, 4, 5, 5, 6, 2, 3, 4}, "2026-11-16 09:00",
                                     {"-f", "relationship=friend"});
  AddRemote(d1, hub);
  ASSERT_TRUE(SyncOk(d1).is_object());
  RunResult join = Join(d2, hub, init["vault_id"], init["secret_key"]);
  ASSERT_EQ(join.exit_code, 0) << join;

  const json shown = Show(d2, who5);
  EXPECT_EQ(shown["derived"], json({{"raw", 12}, {"percent", 48}, {"flag", "low"}}))
      << shown.dump(1);
  EXPECT_EQ(Show(d2, ecr)["derived"], Show(d1, ecr)["derived"]);
  const json m1 = d1.Json({"stats"})["measures"], m2 = d2.Json({"stats"})["measures"];
  EXPECT_EQ(m2, m1);
  EXPECT_EQ(m2["ecr-rs"]["friend"]["anxiety"]["latest"]["value"], 3.0) << m2.dump(1);
  EXPECT_EQ(m2["who-5"]["latest"]["flag"], "low");
}

}  // namespace
}  // namespace haven::e2e
