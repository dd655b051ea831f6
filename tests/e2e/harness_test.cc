// The harness itself: deadlines, capture, environment, ports.
#include "tests/e2e/harness.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace haven::e2e {
namespace {

TEST(HarnessTest, CapturesStdoutStderrExitCodeAndFeedsStdin) {
  RunOptions options;
  options.stdin_text = "from stdin\n";
  RunResult r = RunProgram("/bin/sh", {"-c", "cat; echo to-err >&2; exit 7"}, options);
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_EQ(r.out, "from stdin\n");
  EXPECT_EQ(r.err, "to-err\n");
  EXPECT_EQ(r.ErrLines(), 1);
  EXPECT_FALSE(r.timed_out);
}

TEST(HarnessTest, TimeoutKillsTheChildAndFailsTheTest) {
  RunOptions options;
  options.timeout = Duration(300);
  // A child that never ends by itself: that RunProgram returns at all shows
  // the deadline killed it (no clock is compared).
  char pid_file[] = "/tmp/hv-harness-pid-XXXXXX";
  int fd = mkstemp(pid_file);
  ASSERT_GE(fd, 0);
  close(fd);
  RunResult r;
  EXPECT_NONFATAL_FAILURE(
      r = RunProgram("/bin/sh",
                     {"-c", std::string("echo $$ > ") + pid_file + "; exec sleep infinity"},
                     options),
      "timed out");
  EXPECT_TRUE(r.timed_out);
  std::string pid = ReadFile(pid_file);
  unlink(pid_file);
  // (Empty when the deadline came before the shell wrote it.)
  if (!pid.empty()) EXPECT_FALSE(ProcessAlive(std::stoi(pid))) << "the timed-out child still runs";
}

TEST(HarnessTest, EnvironmentDropsOuterHavenVariablesAndAppliesOverrides) {
  setenv("HAVEN_PASSPHRASE", "leaked-from-outside", 1);
  RunOptions options;
  options.env = {{"HAVEN_HOME", "/somewhere"}, {"PATH", std::nullopt}};
  RunResult r = RunProgram("/usr/bin/env", {}, options);
  unsetenv("HAVEN_PASSPHRASE");
  EXPECT_EQ(r.out.find("leaked-from-outside"), std::string::npos) << r;
  EXPECT_NE(r.out.find("HAVEN_HOME=/somewhere\n"), std::string::npos) << r;
  EXPECT_EQ(r.out.find("\nPATH="), std::string::npos) << r;
}

TEST(HarnessTest, FreeLoopbackPortsAreUsable) {
  int a = PickFreeLoopbackPort();
  int b = PickFreeLoopbackPort();
  EXPECT_GT(a, 0);
  EXPECT_GT(b, 0);
  EXPECT_FALSE(WaitForTcpPort(a, Duration(50))) << "nothing listens there yet";
}

TEST(HarnessTest, ParsesRfc3339) {
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:00:10Z"), 10);
  EXPECT_EQ(ParseRfc3339("1970-01-01T01:00:10+01:00"), 10);
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:00:10.123456-00:30"), 1810);
  EXPECT_FALSE(ParseRfc3339("1970-01-01 00:00").has_value());
}

}  // namespace
}  // namespace haven::e2e
