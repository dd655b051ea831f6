// `haven init` refuses a passphrase zxcvbn finds easy to guess (exit 2, one
// line with the estimate and a hint, no vault created), and a vault made
// without --kdf uses the moderate profile.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/harness.h"

namespace haven::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(PassphraseStrengthTest, WeakPassphrasesAreRefusedAndCreateNothing) {
  for (const std::string weak : {"password", "letmein123", "haven2026"}) {
    TestHome home(weak);
    RunResult r = home.Run({"init", "--kdf", "interactive"});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_EQ(r.ErrLines(), 1) << r;
    EXPECT_THAT(r.err, HasSubstr("passphrase too weak: ")) << r;
    EXPECT_THAT(r.err, HasSubstr("use four or more random words")) << r;
    EXPECT_THAT(r.err, Not(HasSubstr(weak))) << r;
    RunResult info = home.Run({"vault", "info"});
    EXPECT_NE(info.exit_code, 0) << "a vault was created anyway" << info;
    EXPECT_THAT(info.err, HasSubstr("no vault")) << info;
    // The same home takes a strong passphrase afterwards.
    RunResult strong = home.Run({"init", "--kdf", "interactive"},
                                {{"HAVEN_PASSPHRASE", "quiet-lantern-marble-orbit-7"}});
    EXPECT_EQ(strong.exit_code, 0) << strong;
  }
}

TEST(PassphraseStrengthTest, PlainInitUsesTheModerateProfile) {
  TestHome home;
  RunResult r = home.Run({"init"});
  ASSERT_EQ(r.exit_code, 0) << r;
  nlohmann::json info = home.Json({"vault", "info"});
  EXPECT_EQ(info.value("kdf", ""), "moderate") << info.dump();
}

}  // namespace
}  // namespace haven::e2e
