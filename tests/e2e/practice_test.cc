// `haven nudge`, `reread` and `list --on-this-day` against a real daemon,
// with entries logged at chosen times.
#include <gtest/gtest.h>

#include <set>

#include "tests/e2e/harness.h"
#include "tests/e2e/practice_harness.h"

namespace haven::e2e {
namespace {

class PracticeTest : public ::testing::Test {
 protected:
  void SetUp() override { home_.Init(); }
  TestHome home_;
};

TEST_F(PracticeTest, NudgeNamesTheStreakAndTheMostPractisedUntilSomethingIsLogged) {
  for (const char* at : {"-1d", "-2d", "-3d"}) {
    home_.Log({"mindfulness", "-f", "minutes=10", "--at", at});
  }
  home_.Log({"checkin", "-f", "mood=6", "--at", "-2d"});
  RunResult before = home_.Run({"nudge"});
  EXPECT_EQ(before.exit_code, 0) << before;
  EXPECT_NE(before.out.find("3 days in a row"), std::string::npos) << before;
  EXPECT_NE(before.out.find("Mindfulness (haven log mindfulness)"), std::string::npos) << before;
  EXPECT_EQ(before.out.find('!'), std::string::npos) << before;
  EXPECT_EQ(before.out.find('\n'), before.out.size() - 1) << "one line: " << before;
  EXPECT_TRUE(before.err.empty()) << before;

  home_.Log({"checkin", "-f", "mood=7"});
  RunResult after = home_.Run({"nudge"});
  EXPECT_EQ(after.exit_code, 0) << after;
  EXPECT_TRUE(after.out.empty()) << after;
  EXPECT_TRUE(after.err.empty()) << after;
}

TEST_F(PracticeTest, NudgeWithoutAnyEntryInvitesAFirstPractice) {
  RunResult r = home_.Run({"nudge"});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("haven log"), std::string::npos) << r;
}

TEST_F(PracticeTest, NudgeIsSilentWhileLockedAndNeverAsks) {
  home_.Log({"mindfulness", "-f", "minutes=10", "--at", "-1d"});
  ASSERT_EQ(home_.Run({"lock"}).exit_code, 0);
  RunResult r = home_.Run({"nudge"}, {{"HAVEN_PASSPHRASE", std::nullopt}});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(r.out.empty()) << r;
  EXPECT_TRUE(r.err.empty()) << r;
}

TEST_F(PracticeTest, NudgeIsSilentWithoutADaemonAndStartsNone) {
  home_.StopDaemon();
  RunResult r = home_.Run({"nudge"});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(r.out.empty()) << r;
  EXPECT_TRUE(r.err.empty()) << r;
  EXPECT_FALSE(home_.DaemonRunning());
}

TEST_F(PracticeTest, RereadPicksOnlyOlderEntriesOfTheType) {
  const std::string old_letter =
      home_.Log({"letter", "-f", "issue=work", "-f", "letter=Dear me, go gently.", "--at", "-30d"});
  const std::string new_letter =
      home_.Log({"letter", "-f", "issue=home", "-f", "letter=Dear me.", "--at", "-3d"});
  const std::string checkin = home_.Log({"checkin", "-f", "mood=4", "--at", "-60d"});
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(home_.Json({"reread"}).value("id", ""), old_letter);
  }
  for (int i = 0; i < 8; ++i) {
    const std::string id = home_.Json({"reread", "--older-than", "1d"}).value("id", "");
    EXPECT_TRUE(id == old_letter || id == new_letter) << id;
  }
  EXPECT_EQ(home_.Json({"reread", "--type", "checkin"}).value("id", ""), checkin);
  EXPECT_EQ(home_.Json({"reread", "--type", "", "--older-than", "45d"}).value("id", ""), checkin);

  RunResult shown = home_.Run({"reread", "--format", "table"});
  EXPECT_EQ(shown.exit_code, 0) << shown;
  EXPECT_EQ(shown.out.rfind("Written 4 weeks ago, on ", 0), 0u) << shown;
  EXPECT_NE(shown.out.find("Dear me, go gently."), std::string::npos) << shown;
}

TEST_F(PracticeTest, RereadWithNothingOldEnoughSaysSoKindly) {
  home_.Log({"letter", "-f", "issue=work", "-f", "letter=Dear me.", "--at", "-3d"});
  RunResult none = home_.Run({"reread"});
  EXPECT_EQ(none.exit_code, 4) << none;
  EXPECT_TRUE(none.out.empty()) << none;
  EXPECT_EQ(none.err.rfind("haven: nothing to reread yet: no letter to yourself", 0), 0u) << none;
  EXPECT_EQ(home_.Run({"reread", "--type", "mindfulness", "--older-than", "0"}).exit_code, 4);
  RunResult bad = home_.Run({"reread", "--older-than", "soon"});
  EXPECT_EQ(bad.exit_code, 2) << bad;
  EXPECT_EQ(bad.err.rfind("haven: --older-than: ", 0), 0u) << bad;
}

TEST_F(PracticeTest, RereadWhileLockedWithoutPassphraseExits3) {
  home_.Log({"letter", "-f", "issue=work", "-f", "letter=Dear me.", "--at", "-30d"});
  ASSERT_EQ(home_.Run({"lock"}).exit_code, 0);
  RunResult r = home_.Run({"reread"}, {{"HAVEN_PASSPHRASE", std::nullopt}});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_TRUE(r.out.empty()) << r;
}

TEST_F(PracticeTest, ListOnThisDayShowsThisDayInEarlierYearsOnly) {
  if (LocalAt(0, 0, 0).substr(5, 5) == "02-29") GTEST_SKIP() << "leap day: see on_this_day_test";
  const std::string last_year =
      home_.Log({"checkin", "-f", "mood=5", "--at", LocalAt(0, 10, 0, -1)});
  const std::string late =
      home_.Log({"mindfulness", "-f", "minutes=5", "--at", LocalAt(0, 23, 30, -3)});
  home_.Log({"checkin", "-f", "mood=5", "--at", LocalAt(-1, 12, 0, -1)});  // the day before
  home_.Log({"checkin", "-f", "mood=5", "--at", LocalAt(1, 0, 0, -2)});    // the day after
  home_.Log({"checkin", "-f", "mood=5", "--at", "-1m"});                   // today
  EXPECT_EQ(Ids(home_.Json({"list", "--on-this-day"})),
            (std::vector<std::string>{last_year, late}));
  EXPECT_EQ(Ids(home_.Json({"list", "--on-this-day", "--type", "mindfulness"})),
            (std::vector<std::string>{late}));
  EXPECT_EQ(Ids(home_.Json({"list", "--on-this-day", "--limit", "1"})),
            (std::vector<std::string>{last_year}));
  ASSERT_EQ(home_.Run({"rm", last_year}).exit_code, 0);
  EXPECT_EQ(Ids(home_.Json({"list", "--on-this-day"})), (std::vector<std::string>{late}));
}

}  // namespace
}  // namespace haven::e2e
