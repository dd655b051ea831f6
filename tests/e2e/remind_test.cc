// `haven remind`: reminders set, listed and removed; sent at their time
// through a fake notify-send (first on the daemon's PATH, writing its
// arguments to a file) or, without one, as a line of the daemon's log;
// skipped when the day's practice is logged, or with --every when the
// practice is logged in its interval (locked: when it was shown in it).
// The daemon's practice clock is moved with the test-only
// HAVEN_FAULT_PRACTICE_CLOCK_FILE (server/practice/practice_clock.h).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/e2e/harness.h"
#include "tests/e2e/practice_harness.h"

namespace haven::e2e {
namespace {

// The daemon's day in these tests: ten days ago, so entries can be logged
// on it with an absolute --at.
constexpr int kDay = -10;

class RemindTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_.Init();
    home_.StopDaemon();
    std::filesystem::create_directory(home_.Scratch("bin"));
    WriteFile(home_.Scratch("bin/notify-send"),
              "#!/bin/sh\nline=$(printf '%s|' \"$@\")\nprintf '%s\\n' \"$line\" >> " +
                  home_.Scratch("notified") + "\n",
              0700);
    const char* path = std::getenv("PATH");
    env_ = {{"PATH", home_.Scratch("bin") + ":" + (path ? path : "/usr/bin:/bin")},
            {"HAVEN_FAULT_PRACTICE_CLOCK_FILE", home_.Scratch("clock")}};
    StartDaemon();
  }

  // Started here rather than by the CLI: the skip decisions are logged at
  // debug level only. Runs with env_ as it is now.
  void StartDaemon(const std::string& level = "debug") {
    if (daemon_) daemon_->Terminate();
    daemon_ = DaemonProcess::Start({"--home", home_.path(), "--log-level", level}, env_,
                                   home_.path() + "/havend.log");
    ASSERT_TRUE(WaitUntil([&] {
      return home_.Run({"daemon", "status"}, env_).exit_code == 0;
    })) << DaemonLog();
  }

  // Moves the daemon's practice clock to hh:mm on kDay (+ `days`).
  void ClockAt(int hour, int minute, int days = 0) {
    WriteFile(home_.Scratch("clock"), std::to_string(SecondsUntil(kDay + days, hour, minute)));
  }
  std::string ListJson() { return home_.Run({"--format", "json", "remind", "list"}, env_).out; }
  RunResult Remind(std::vector<std::string> args) {
    args.insert(args.begin(), "remind");
    return home_.Run(args, env_);
  }
  // `remind set ARGS...`, asserting success; the new reminder's id.
  std::string Set(const std::vector<std::string>& args) {
    std::vector<std::string> full{"--format", "json", "remind", "set"};
    full.insert(full.end(), args.begin(), args.end());
    RunResult r = home_.Run(full, env_);
    EXPECT_EQ(r.exit_code, 0) << r;
    const nlohmann::json rows = r.JsonOut();
    return rows.is_array() && !rows.empty() ? rows[0].value("id", "") : "";
  }
  std::string DaemonLog() const { return ReadFile(home_.path() + "/havend.log"); }
  std::string Notified() const { return ReadFile(home_.Scratch("notified")); }

  TestHome home_;
  EnvOverrides env_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(RemindTest, SendsWhenDueAndSkipsWhatIsAlreadyPractised) {
  ClockAt(8, 50);
  const std::string letter = Set({"09:00", "--type", "letter"});
  const std::string checkin = Set({"09:05", "--type", "checkin"});
  const std::string any = Set({"09:07"});
  home_.Log({"checkin", "-f", "mood=5", "--at", LocalAt(kDay, 8, 30)});
  ClockAt(9, 10);
  Set({"23:00"});  // a change: the scheduler looks at the moved clock
  ASSERT_TRUE(WaitUntil([&] {
    return !Notified().empty() && LinesWith(DaemonLog(), "reminder skipped").size() >= 2;
  })) << DaemonLog();
  EXPECT_EQ(Notified(),
            "--app-name=haven|--|haven|A moment for Letter to yourself (haven log letter), if it "
            "suits you today.|\n");
  const auto skipped = LinesWith(DaemonLog(), "reminder skipped");
  ASSERT_EQ(skipped.size(), 2u) << DaemonLog();
  EXPECT_NE(skipped[0].find("id=" + checkin), std::string::npos) << skipped[0];
  EXPECT_NE(skipped[1].find("id=" + any), std::string::npos) << skipped[1];
  for (const std::string& line : skipped) {
    EXPECT_EQ(line.find("id=" + letter), std::string::npos) << "sent, not skipped";
  }
}

// The log is plain text on the disk: at its default level it must not tell
// on which days something was practised.
TEST_F(RemindTest, AtTheDefaultLogLevelASkipLeavesNoTrace) {
  StartDaemon("info");
  ClockAt(8, 50);
  Set({"09:00", "--type", "checkin"});
  Set({"09:05", "--type", "letter"});
  home_.Log({"checkin", "-f", "mood=5", "--at", LocalAt(kDay, 8, 30)});
  ClockAt(9, 10);
  Set({"23:00"});
  // The letter's showing comes after the check-in's skip in the same pass.
  ASSERT_TRUE(WaitUntil([&] { return !Notified().empty(); })) << DaemonLog();
  EXPECT_EQ(LinesWith(Notified(), "Check-in").size(), 0u);
  EXPECT_TRUE(LinesWith(DaemonLog(), "skipped").empty()) << DaemonLog();
  EXPECT_TRUE(LinesWith(DaemonLog(), "practised").empty()) << DaemonLog();
}

TEST_F(RemindTest, APluginsTitleReachesTheDesktopAsTextNeverAsMarkup) {
  // A home plugin whose title would be a link and an image as markup.
  const nlohmann::json manifest = {
      {"haven_plugin", 1},
      {"types",
       {{{"id", "tea"},
         {"version", 1},
         {"title", "Tea & <a href=\"https://example.invalid\">calm</a><img src=\"x\">"},
         {"fields", {{{"name", "note"}, {"type", "string"}, {"required", true}}}}}}}};
  std::filesystem::create_directories(home_.path() + "/plugins");
  WriteFile(home_.path() + "/plugins/tea.json", manifest.dump());
  ASSERT_EQ(home_.Run({"types", "reload"}, env_).exit_code, 0);
  ClockAt(8, 50);
  Set({"09:00", "--type", "tea"});
  ClockAt(9, 1);
  Set({"23:00"});
  ASSERT_TRUE(WaitUntil([&] { return !Notified().empty(); })) << DaemonLog();
  EXPECT_EQ(Notified(),
            "--app-name=haven|--|haven|A moment for Tea &amp; &lt;a "
            "href=&quot;https://example.invalid&quot;&gt;calm&lt;/a&gt;&lt;img "
            "src=&quot;x&quot;&gt; (haven log tea), if it suits you today.|\n");
}

TEST_F(RemindTest, WithoutNotifySendALogLineAndLockedRemindsAnyway) {
  std::filesystem::create_directory(home_.Scratch("empty"));
  env_["PATH"] = home_.Scratch("empty");
  StartDaemon();
  ClockAt(8, 50);
  Set({"09:00", "--type", "checkin"});
  home_.Log({"checkin", "-f", "mood=5", "--at", LocalAt(kDay, 8, 30)});
  // Locked, the daemon cannot see that check-in: it reminds, neutrally.
  ASSERT_EQ(home_.Run({"lock"}, env_).exit_code, 0);
  ClockAt(9, 1);
  Set({"23:00"});
  ASSERT_TRUE(WaitUntil([&] { return !LinesWith(DaemonLog(), "msg=reminder title=").empty(); }))
      << DaemonLog();
  const std::string line = LinesWith(DaemonLog(), "msg=reminder title=")[0];
  EXPECT_NE(line.find("A moment for Check-in (haven log checkin)"), std::string::npos) << line;
  EXPECT_TRUE(Notified().empty());
}

TEST_F(RemindTest, SetListRemoveRoundTrip) {
  const std::string a = Set({"07:30", "--days", "Mon,wed,FRI"});
  const std::string b = Set({"21:00", "--type", "letter"});
  RunResult listed = home_.Run({"--format", "json", "remind", "list"}, env_);
  ASSERT_EQ(listed.exit_code, 0) << listed;
  const nlohmann::json all = listed.JsonOut();
  ASSERT_EQ(all.size(), 2u) << listed;
  EXPECT_EQ(all[0]["id"], a);
  EXPECT_EQ(all[0]["time"], "07:30");
  EXPECT_EQ(all[0]["days"], nlohmann::json({"mon", "wed", "fri"}));
  EXPECT_EQ(all[1]["type"], "letter");
  RunResult rm = Remind({"rm", a.substr(0, 8)});
  EXPECT_EQ(rm.exit_code, 0) << rm;
  const nlohmann::json left = home_.Run({"--format", "json", "remind", "list"}, env_).JsonOut();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0]["id"], b);
  EXPECT_EQ(Remind({"rm", a}).exit_code, 4);
}

TEST_F(RemindTest, BadInputIsRefusedAndChangesNothing) {
  Set({"09:00"});
  const std::string before = home_.Run({"--format", "json", "remind", "list"}, env_).out;
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"set", "25:00"}, 2, "haven: time \"25:00\": expected HH:MM from 00:00 to 23:59\n"},
      {{"set", "9h"}, 2, "haven: time \"9h\": expected HH:MM from 00:00 to 23:59\n"},
      {{"set", "09:00", "--days", "mon,funday"},
       2,
       "haven: --days \"funday\": expected day "
       "names like mon,wed,fri (mon tue wed thu fri "
       "sat sun)\n"},
      {{"set", "09:00", "--type", "nosuch"},
       2,
       "haven: --type: no exercise type \"nosuch\" on this device (see `haven types`)\n"},
      {{"rm", "not-hex"}, 2, "haven: ID: expected a reminder id (see `haven remind list`)\n"},
      {{"rm", "abcdef12"}, 4, "haven: no reminder with id abcdef12\n"},
  };
  for (const Case& c : cases) {
    RunResult r = Remind(c.args);
    EXPECT_EQ(r.exit_code, c.code) << r;
    EXPECT_EQ(r.err, c.message) << r;
  }
  EXPECT_EQ(home_.Run({"--format", "json", "remind", "list"}, env_).out, before);
}

TEST_F(RemindTest, EveryIsSetListedAndPartOfTheIdentity) {
  RunResult set = home_.Run(
      {"--format", "json", "remind", "set", "09:00", "--type", "checkin", "--every", "2w"}, env_);
  ASSERT_EQ(set.exit_code, 0) << set;
  EXPECT_EQ(set.JsonOut()[0]["every"], "2w") << set;
  const std::string fortnightly = set.JsonOut()[0].value("id", "");
  EXPECT_EQ(Set({"09:00", "--type", "checkin", "--every", "14d"}), fortnightly);
  const std::string daily = Set({"09:00", "--type", "checkin"});
  EXPECT_NE(daily, fortnightly);
  const std::string any = Set({"10:00", "--every", "10d"});
  const nlohmann::json all = nlohmann::json::parse(ListJson());
  ASSERT_EQ(all.size(), 3u) << all;
  EXPECT_EQ(all[0]["id"], fortnightly);
  EXPECT_EQ(all[0]["every"], "2w");
  EXPECT_EQ(all[1]["id"], daily);
  EXPECT_EQ(all[1]["every"], "");
  EXPECT_EQ(all[2]["id"], any);
  EXPECT_EQ(all[2]["every"], "10d");
  EXPECT_EQ(all[2]["type"], "");
  RunResult table = Remind({"list"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_NE(table.out.find("every"), std::string::npos) << table;
  ASSERT_EQ(LinesWith(table.out, fortnightly).size(), 1u) << table;
  EXPECT_NE(LinesWith(table.out, fortnightly)[0].find("2w"), std::string::npos) << table;
  RunResult text = Remind({"set", "09:00", "--type", "checkin", "--every", "2w"});
  EXPECT_EQ(text.out, "Reminder " + fortnightly + ": 09:00, every day, checkin, every 2w.\n");
  // Shell completion offers it.
  RunResult completion = home_.Run({"completion", "bash"}, env_);
  const auto set_words = LinesWith(completion.out, "\"remind set\") choices=");
  ASSERT_EQ(set_words.size(), 1u) << completion;
  EXPECT_NE(set_words[0].find("--every"), std::string::npos) << set_words[0];
}

TEST_F(RemindTest, BadEveryIsRefusedAndChangesNothing) {
  Set({"09:00", "--type", "checkin", "--every", "2w"});
  const std::string before = ListJson();
  for (const char* bad : {"0d", "400d", "3h", "x", "1d12h", ""}) {
    RunResult r = Remind({"set", "08:00", "--type", "checkin", "--every", bad});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_EQ(r.err, std::string("haven: --every \"") + bad +
                         "\": expected whole days from 1d to 366d, like 14d, 2w or 4w\n")
        << r;
  }
  EXPECT_EQ(ListJson(), before);
}

TEST_F(RemindTest, EveryAsksAboutItsIntervalAndLockedShowsOnceAnInterval) {
  ClockAt(8, 50);
  const std::string checkin = Set({"09:00", "--type", "checkin", "--every", "2w"});
  const std::string letter = Set({"09:00", "--type", "letter", "--every", "4w"});
  home_.Log({"checkin", "-f", "mood=5", "--at", LocalAt(kDay - 13, 10, 0)});  // inside 2w
  ClockAt(9, 1);
  Set({"23:00"});
  const auto skipped = [&](const std::string& why) { return LinesWith(DaemonLog(), why); };
  ASSERT_TRUE(WaitUntil([&] {
    return !Notified().empty() && !skipped("skipped: practised within its interval").empty();
  })) << DaemonLog();
  const std::string letter_line =
      "--app-name=haven|--|haven|A moment for Letter to yourself (haven log letter), which you "
      "come back to every 4 weeks, if it suits you today.|\n";
  EXPECT_EQ(Notified(), letter_line);
  EXPECT_NE(skipped("skipped: practised within its interval")[0].find("id=" + checkin),
            std::string::npos);
  // Locked, neither can be seen, and the letter's unlocked showing was not
  // kept (it would tell that no letter was logged): both are shown once...
  ASSERT_EQ(home_.Run({"lock"}, env_).exit_code, 0);
  ClockAt(9, 1, 1);
  Set({"23:01"});
  const std::string checkin_line =
      "--app-name=haven|--|haven|A moment for Check-in (haven log checkin), which you come back "
      "to every 2 weeks, if it suits you today.|\n";
  ASSERT_TRUE(WaitUntil([&] {
    return Notified().size() >= 2 * letter_line.size() + checkin_line.size();
  })) << DaemonLog();
  const std::string shown = Notified();
  EXPECT_NE(shown.find(checkin_line), std::string::npos) << shown;
  EXPECT_EQ(LinesWith(shown, "Letter to yourself").size(), 2u) << shown;
  // ...and the next day both wait for their intervals.
  const std::string locked_skip = "skipped: locked, shown within its interval";
  ClockAt(9, 1, 2);
  Set({"23:02"});
  ASSERT_TRUE(WaitUntil([&] { return skipped(locked_skip).size() >= 2; })) << DaemonLog();
  EXPECT_EQ(Notified(), shown);
  EXPECT_EQ(skipped(locked_skip).size(), 2u);
}

}  // namespace
}  // namespace haven::e2e
