// haven export --format html, opened in a real headless browser: the page a
// person may hand to their therapist must render whole, show their charts
// and words, and never reach the network.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "tests/e2e/browser.h"
#include "tests/e2e/harness.h"

namespace haven::e2e {
namespace {

constexpr char kHostile[] = "</script><img src=x onerror=alert(1)> a hard call";

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += s + "\n";
  return out;
}

// Several weeks of practice, with a quiet week between, free text that
// tries to be markup, and two rounds of the Self-Compassion Scale.
void LogSeveralWeeks(const TestHome& home) {
  home.Log(
      {"checkin", "-f", "mood=4", "-f", "note=Tired after the week.", "--at", "2026-10-05 08:00"});
  home.Log({"checkin", "-f", "mood=6", "--at", "2026-10-13 08:00"});
  home.Log({"break", "-f", std::string("situation=") + kHostile, "-f", "distress_before=8", "-f",
            "distress_after=4", "--tag", "work", "--at", "2026-10-14 18:30"});
  home.Log({"mindfulness", "-f", "minutes=10", "-f", "noticed=Breath in the belly.\nCalmer after.",
            "--at", "2026-10-15 07:15"});
  home.Log({"checkin", "-f", "mood=7", "--at", "2026-10-27 08:00"});
  for (const char* at : {"2026-10-06 20:00", "2026-10-28 20:00"}) {
    std::vector<std::string> args = {"scs-sf"};
    for (int q = 1; q <= 12; ++q) {
      args.insert(args.end(), {"-f", "q" + std::to_string(q) + "=" + std::to_string(1 + q % 5)});
    }
    args.insert(args.end(), {"--at", at});
    home.Log(args);
  }
}

TEST(HtmlReportTest, RendersInAHeadlessBrowserWithoutTheNetwork) {
  const std::string chromium = FindChromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "no chromium on PATH (./scripts/deps installs Debian's chromium)";
  }
  TestHome home;
  home.Init();
  LogSeveralWeeks(home);
  const std::string report = home.Scratch("report.html");
  RunResult exported = home.Run({"export", "--format", "html", "-o", report});
  ASSERT_EQ(exported.exit_code, 0) << exported;
  const nlohmann::json stats = home.Json({"stats"});

  // First, that the check can see a request at all: a page with a remote
  // image must show up in the network log.
  const std::string leaky = home.Scratch("leaky.html");
  WriteFile(leaky,
            "<!DOCTYPE html><p>leaky</p><img src=\"http://assets.haven-test.invalid/a.png\">");
  BrowserVisit control = Visit(chromium, home, leaky, "control");
  ASSERT_EQ(control.run.exit_code, 0) << control.run;
  ASSERT_TRUE(control.net_log_read) << "the browser wrote no readable network log";
  ASSERT_EQ(control.page_requests.size(), 1u) << "the network check cannot see a page's requests:\n"
                                              << Joined(control.page_requests);

  BrowserVisit visit = Visit(chromium, home, report, "report");
  ASSERT_EQ(visit.run.exit_code, 0) << visit.run;
  ASSERT_TRUE(visit.net_log_read);
  EXPECT_TRUE(visit.page_requests.empty()) << Joined(visit.page_requests);
  const std::string& dom = visit.run.out;

  // Rendered whole, to the footer.
  EXPECT_NE(dom.find("<h1>Practice journal</h1>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("loads nothing from the network"), std::string::npos) << dom;
  // The figures are those of `haven stats`.
  EXPECT_NE(dom.find("<dt>Entries</dt><dd>" + std::to_string(stats["total"].get<int>()) + "</dd>"),
            std::string::npos);
  EXPECT_NE(dom.find("<p class=\"meta\">" + stats["first"].get<std::string>() + " to " +
                     stats["last"].get<std::string>() + "</p>"),
            std::string::npos);
  // Charts: a bar per week with entries; a line chart per numeric field
  // (the scale's single items are shown through its total) and the scale's;
  // for the scale as a measure, a line of its takings over bars of the
  // practice before each.
  const nlohmann::json& scs = stats["measures"]["scs-sf"];
  ASSERT_EQ(scs["n"], 2) << stats.dump(2);
  EXPECT_EQ(Count(dom, "<rect class=\"bar\""), stats["by_week"].size() + 2) << stats.dump(2);
  size_t fields = 0;
  for (const auto& [key, value] : stats["fields"].items()) fields += key.rfind("scs-sf.", 0) != 0;
  EXPECT_GE(fields, 4u) << stats.dump(2);
  EXPECT_EQ(Count(dom, "<svg class=\"chart\""), 1 + fields + 1 + 2);
  EXPECT_NE(dom.find("Self-Compassion Scale total over time"), std::string::npos);
  // The person's words, as words: the hostile text is shown, never run.
  EXPECT_NE(dom.find("Breath in the belly.\nCalmer after."), std::string::npos);
  EXPECT_NE(dom.find("Tired after the week."), std::string::npos);
  EXPECT_NE(dom.find("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; a hard call"),
            std::string::npos);
  EXPECT_EQ(dom.find("<img"), std::string::npos);
  EXPECT_EQ(dom.find("<script"), std::string::npos);
}

TEST(HtmlReportTest, WritesToAPipeButNotToATerminal) {
  TestHome home;
  home.Init();
  home.Log({"checkin", "-f", "mood=5", "--at", "2026-10-05 08:00"});
  RunResult piped = home.Run({"export", "--format", "html"});
  ASSERT_EQ(piped.exit_code, 0) << piped;
  EXPECT_EQ(piped.out.rfind("<!DOCTYPE html>", 0), 0u) << piped;
  EXPECT_NE(piped.out.find("</html>"), std::string::npos);

  // `script` gives haven a terminal for stdout, as a person's shell would.
  const std::string script = FindOnPath("script");
  if (script.empty()) GTEST_SKIP() << "no `script` (util-linux) to make a terminal";
  RunOptions options;
  options.env = home.BaseEnv();
  RunResult tty =
      RunProgram(script, {"-qec", HavenBinary() + " export --format html", "/dev/null"}, options);
  EXPECT_EQ(tty.exit_code, 2) << tty;
  EXPECT_NE(tty.out.find("-o report.html"), std::string::npos) << tty;
  EXPECT_EQ(tty.out.find("<!DOCTYPE"), std::string::npos) << tty;
}

}  // namespace
}  // namespace haven::e2e
