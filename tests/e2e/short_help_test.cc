// `haven` with no arguments: a short help with the everyday commands on
// stdout, exit 0, and no daemon started for it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/harness.h"

namespace haven::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ShortHelp, HavenAloneNamesTheEverydayCommandsAndExitsZero) {
  TestHome home;
  RunResult r = home.Run({});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(r.err.empty()) << r;
  for (const char* command :
       {"haven log", "haven list", "haven search", "haven show", "haven edit", "haven stats",
        "haven nudge", "haven reread", "haven sync", "haven unlock, lock", "haven types"}) {
    EXPECT_THAT(r.out, HasSubstr(command)) << r;
  }
  EXPECT_THAT(r.out, HasSubstr("haven --help")) << r;
  EXPECT_THAT(r.out, Not(HasSubstr("subcommand is required"))) << r;
  EXPECT_FALSE(home.DaemonRunning()) << "a daemon was started to print help";
}

TEST(ShortHelp, AnUnknownCommandIsStillAUsageError) {
  TestHome home;
  RunResult r = home.Run({"practise"});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(r.out.empty()) << r;
}

}  // namespace
}  // namespace haven::e2e
