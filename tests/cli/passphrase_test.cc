// cli/passphrase.cc without a terminal: the passphrase and the new one
// (`haven passwd`) from their files or variables, the file first, and the
// one-line errors when there is none or the file cannot be read.
#include "cli/passphrase.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>

#include "tests/store/temp_dir.h"

namespace haven::cli {
namespace {

using ::testing::HasSubstr;

// Sets the four passphrase variables for one test and clears them after;
// standard input is made a non-terminal (/dev/null) meanwhile.
class PassphraseEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Clear();
    saved_stdin_ = dup(STDIN_FILENO);
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, STDIN_FILENO);
    close(null_fd);
  }
  void TearDown() override {
    Clear();
    dup2(saved_stdin_, STDIN_FILENO);
    close(saved_stdin_);
  }
  static void Clear() {
    for (const char* v : {"HAVEN_PASSPHRASE", "HAVEN_PASSPHRASE_FILE", "HAVEN_NEW_PASSPHRASE",
                          "HAVEN_NEW_PASSPHRASE_FILE"}) {
      unsetenv(v);
    }
  }
  std::string File(const std::string& name, const std::string& text) {
    std::string path = dir_.Join(name);
    std::ofstream(path) << text;
    return path;
  }

  haven::testing::TempDir dir_;
  int saved_stdin_ = -1;
};

TEST_F(PassphraseEnvTest, NewPassphraseFromItsFileBeforeItsVariable) {
  setenv("HAVEN_NEW_PASSPHRASE_FILE", File("new", "river-stone-quiet-9\r\nsecond line\n").c_str(),
         1);
  setenv("HAVEN_NEW_PASSPHRASE", "from-the-variable", 1);
  auto next = ReadNewPassphrase();
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(*next, "river-stone-quiet-9");
}

TEST_F(PassphraseEnvTest, NewPassphraseFromItsVariable) {
  setenv("HAVEN_NEW_PASSPHRASE", "from-the-variable", 1);
  auto next = ReadNewPassphrase();
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(*next, "from-the-variable");
}

TEST_F(PassphraseEnvTest, TheCurrentPassphraseNeverServesAsTheNewOne) {
  setenv("HAVEN_PASSPHRASE", "the-current-one", 1);
  auto next = ReadNewPassphrase();
  EXPECT_EQ(next.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(next.status().message()), HasSubstr("HAVEN_NEW_PASSPHRASE_FILE"));
  auto current = ReadPassphrase("Passphrase: ", false);
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(*current, "the-current-one");
}

TEST_F(PassphraseEnvTest, AnEmptyNewPassphraseIsRefused) {
  setenv("HAVEN_NEW_PASSPHRASE_FILE", File("empty", "\n").c_str(), 1);
  EXPECT_EQ(ReadNewPassphrase().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PassphraseEnvTest, AnUnreadableFileIsNamed) {
  setenv("HAVEN_NEW_PASSPHRASE_FILE", dir_.Join("missing").c_str(), 1);
  auto next = ReadNewPassphrase();
  EXPECT_EQ(next.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(next.status().message()),
              HasSubstr("HAVEN_NEW_PASSPHRASE_FILE: cannot read"));
}

TEST_F(PassphraseEnvTest, NoCurrentPassphraseIsUnauthenticated) {
  EXPECT_EQ(ReadPassphrase("Passphrase: ", false).status().code(),
            absl::StatusCode::kUnauthenticated);
  auto none = PassphraseFromEnvironment("HAVEN_PASSPHRASE_FILE", "HAVEN_PASSPHRASE");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

}  // namespace
}  // namespace haven::cli
