// The editor's scratch directory (cli/editor_scratch.h): a run killed
// mid-edit leaves a directory the next edit shreds by its dead PID, never
// another process's or anything a link points to; a termination that
// arrives while the editor runs takes effect only after the shred.
#include "cli/editor_scratch.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/prompt.h"

namespace haven::cli {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int CountScratch(const fs::path& base) {
  int n = 0;
  for (const auto& item : fs::directory_iterator(base)) {
    n += item.path().filename().string().rfind("haven-edit-", 0) == 0;
  }
  return n;
}

class EditorScratchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/haven_editor_scratch_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    base_ = tmpl;
  }
  void TearDown() override { fs::remove_all(base_); }
  fs::path base_;
};

// A PID that ran and no longer does.
pid_t DeadPid() {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  return pid;
}

TEST_F(EditorScratchTest, TheSweepShredsOnlyWhatADeadRunLeft) {
  const fs::path dead = base_ / ("haven-edit-" + std::to_string(DeadPid()) + "-abcdef");
  const fs::path live = base_ / ("haven-edit-" + std::to_string(getpid()) + "-ghijkl");
  const fs::path odd = base_ / "haven-edit-notapid";
  for (const auto& dir : {dead, live, odd}) fs::create_directory(dir);
  std::ofstream(dead / "entry.txt") << "a letter to myself";
  std::ofstream(dead / ".entry.txt.swp") << "swap";
  const fs::path outside = base_ / "outside.txt";
  std::ofstream(outside) << "not haven's";
  fs::create_symlink(outside, dead / "link");

  EXPECT_EQ(SweepAbandonedScratch(base_.string()), 1);
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(odd));
  EXPECT_EQ(ReadAll(outside), "not haven's") << "a link was followed";
}

TEST_F(EditorScratchTest, ATerminationDuringTheEditWaitsForTheShred) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    setenv("XDG_RUNTIME_DIR", base_.c_str(), 1);
    // The "editor" terminates haven, then writes, as a hangup would find it.
    const std::string editor = "kill -TERM " + std::to_string(getpid()) + "; printf 'secret' >>";
    (void)EditText(editor, "", {});
    _exit(0);  // not reached: the held SIGTERM ends the process
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exited " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  EXPECT_EQ(CountScratch(base_), 0) << "the editor's directory was left behind";
}

}  // namespace
}  // namespace haven::cli
