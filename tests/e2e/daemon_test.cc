// havend as a process: start, status, stop, auto-start, one per home,
// kill -9 durability and a clean SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/e2e/harness.h"

namespace haven::e2e {
namespace {

namespace fs = std::filesystem;

bool SocketExists(const TestHome& home) { return fs::exists(home.path() + "/havend.sock"); }

TEST(DaemonTest, StatusExits4WhenNotRunningAndDoesNotStartIt) {
  TestHome home;
  RunResult text = home.Run({"daemon", "status"});
  EXPECT_EQ(text.exit_code, 4) << text;
  RunResult json = home.Run({"--format", "json", "daemon", "status"});
  EXPECT_EQ(json.exit_code, 4) << json;
  EXPECT_EQ(json.JsonOut().value("running", true), false) << json;
  EXPECT_FALSE(home.DaemonRunning());
}

TEST(DaemonTest, StartStatusStop) {
  TestHome home;
  RunResult start = home.Run({"daemon", "start"});
  ASSERT_EQ(start.exit_code, 0) << start;
  std::optional<pid_t> pid = home.DaemonPid();
  ASSERT_TRUE(pid.has_value()) << "havend.lock names no live havend";

  nlohmann::json status = home.Json({"daemon", "status"});
  EXPECT_EQ(status.value("running", false), true) << status.dump();
  EXPECT_EQ(status.value("pid", 0), *pid) << status.dump();

  // The home and its socket are private.
  struct stat st {};
  ASSERT_EQ(stat(home.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat((home.path() + "/havend.sock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u) << "socket is open to others";

  RunResult again = home.Run({"daemon", "start"});
  EXPECT_EQ(again.exit_code, 0) << again;
  EXPECT_EQ(home.DaemonPid(), pid) << "a second start replaced the daemon";

  RunResult stop = home.Run({"daemon", "stop"});
  ASSERT_EQ(stop.exit_code, 0) << stop;
  EXPECT_TRUE(WaitUntil([&] { return !ProcessAlive(*pid); }));
  EXPECT_FALSE(SocketExists(home));
  EXPECT_EQ(home.Run({"daemon", "status"}).exit_code, 4);
  EXPECT_EQ(home.Run({"daemon", "stop"}).exit_code, 0) << "stop is idempotent";
}

TEST(DaemonTest, AnyCommandStartsTheDaemon) {
  TestHome home;
  ASSERT_FALSE(home.DaemonRunning());
  home.Init();
  EXPECT_TRUE(home.DaemonRunning());
  std::string id = home.Log({"checkin", "-f", "mood=5"});

  home.StopDaemon();
  ASSERT_FALSE(home.DaemonRunning());
  RunResult list = home.Run({"list"});
  ASSERT_EQ(list.exit_code, 0) << list;
  EXPECT_EQ(Ids(list.JsonLines()), std::vector<std::string>{id});
  EXPECT_TRUE(home.DaemonRunning());
}

TEST(DaemonTest, SecondDaemonOnSameHomeRefusesWithClearMessage) {
  TestHome home;
  ASSERT_EQ(home.Run({"daemon", "start"}).exit_code, 0);
  std::optional<pid_t> first = home.DaemonPid();
  ASSERT_TRUE(first.has_value());

  auto second = DaemonProcess::Start({"--home", home.path()});
  ASSERT_NE(second, nullptr);
  std::optional<int> code = second->WaitExit();
  ASSERT_TRUE(code.has_value()) << "the second havend kept running\n" << second->Output();
  EXPECT_NE(*code, 0);
  EXPECT_NE(second->Output().find("already running"), std::string::npos) << second->Output();

  EXPECT_EQ(home.DaemonPid(), first);
  RunResult status = home.Run({"daemon", "status"});
  EXPECT_EQ(status.exit_code, 0) << "the first daemon stopped answering" << status;
}

// `haven daemon stop` returns once the socket goes quiet, while the old
// daemon may still be closing its store; a command right after starts a
// new daemon, which waits for the old one to let go of the home.
TEST(DaemonTest, CommandRightAfterStopStartsANewDaemon) {
  TestHome home;
  home.Init();
  for (int i = 0; i < 10; ++i) {
    home.Log({"checkin", "-f", "mood=" + std::to_string(i % 10 + 1)});
    ASSERT_EQ(home.Run({"daemon", "stop"}).exit_code, 0);
    RunResult list = home.Run({"--format", "jsonl", "list"});
    ASSERT_EQ(list.exit_code, 0) << list;
    EXPECT_EQ(list.JsonLines().size(), static_cast<size_t>(i + 1));
  }
}

TEST(DaemonTest, EntrySurvivesKill9RightAfterLogReturned) {
  TestHome home;
  home.Init();
  std::string first = home.Log({"mindfulness", "-f", "minutes=11", "--tag", "durable"});
  std::string second = home.Log({"checkin", "-f", "mood=4", "-f", "note=just before the crash"});
  home.KillDaemon();
  ASSERT_FALSE(home.DaemonRunning());

  // The next command restarts the daemon (locked: HAVEN_PASSPHRASE opens it).
  nlohmann::json e = home.Json({"show", second});
  EXPECT_EQ(e["fields"]["mood"], 4);
  EXPECT_EQ(e["fields"]["note"], "just before the crash");
  EXPECT_EQ(home.Json({"show", first})["fields"]["minutes"], 11);
  EXPECT_EQ(home.Run({"doctor"}).exit_code, 0);

  // An edit acknowledged just before a crash survives too.
  ASSERT_EQ(home.Run({"edit", first, "-f", "minutes=12"}).exit_code, 0);
  home.KillDaemon();
  EXPECT_EQ(home.Json({"show", first})["fields"]["minutes"], 12);
}

// A hub makes its TCP credentials (and with them gRPC's first threads)
// before it serves: SIGTERM must still reach its drain, not kill it.
TEST(DaemonTest, HubSigtermExitsZero) {
  TestHome home;
  std::filesystem::create_directories(home.path());
  const std::string token_file = home.path() + "/hub.token";
  WriteFile(token_file, "hub-token-for-sigterm-0123456789\n");
  const int port = PickFreeLoopbackPort();
  auto hub =
      DaemonProcess::Start({"--home", home.path() + "/hub", "--hub", "--listen",
                            "127.0.0.1:" + std::to_string(port), "--token-file", token_file});
  ASSERT_NE(hub, nullptr);
  ASSERT_TRUE(WaitForTcpPort(port)) << hub->Output();
  std::optional<int> code = hub->Terminate();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << "the hub did not shut down cleanly\n" << hub->Output();
  EXPECT_NE(hub->Output().find("stopped"), std::string::npos) << hub->Output();
}

TEST(DaemonTest, SigtermExitsZeroAndRemovesSocket) {
  TestHome home;
  auto daemon = DaemonProcess::Start({"--home", home.path()});
  ASSERT_NE(daemon, nullptr);
  ASSERT_TRUE(WaitUntil([&] { return SocketExists(home) || !daemon->Running(); }))
      << daemon->Output();
  ASSERT_TRUE(daemon->Running()) << daemon->Output();
  // The CLI uses the running daemon rather than starting another.
  home.Init();
  home.Log({"checkin", "-f", "mood=5"});
  EXPECT_EQ(home.DaemonPid(), daemon->pid());

  std::optional<int> code = daemon->Terminate();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << daemon->Output();
  EXPECT_FALSE(SocketExists(home)) << "socket left behind";

  // What was written is there after a restart.
  RunResult list = home.Run({"list"});
  ASSERT_EQ(list.exit_code, 0) << list;
  EXPECT_EQ(list.JsonLines().size(), 1u);
}

TEST(DaemonTest, UnknownFlagOrBadDurationIsUsageError) {
  TestHome home;
  auto bad = DaemonProcess::Start({"--home", home.path(), "--lock-after", "forever"});
  ASSERT_NE(bad, nullptr);
  std::optional<int> code = bad->WaitExit();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2) << bad->Output();
  EXPECT_NE(bad->Output().find("forever"), std::string::npos) << bad->Output();
}

}  // namespace
}  // namespace haven::e2e
