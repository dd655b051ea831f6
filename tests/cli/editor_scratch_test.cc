// The editor's scratch directory (cli/editor_scratch.h): a run killed
// mid-edit leaves an unlocked directory the next edit shreds, never one an
// edit holds, one made a moment ago, or anything a link or another hard
// link reaches; a termination that arrives while the editor runs takes
// effect only after the shred, and one the process ignores stays ignored.
#include "cli/editor_scratch.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
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

// Sets `path`'s modification time two minutes back: past the sweep's
// grace for a directory being made.
void Age(const fs::path& path) {
  fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::minutes(2));
}

TEST_F(EditorScratchTest, TheSweepShredsOnlyWhatNoEditHolds) {
  const fs::path dead = base_ / "haven-edit-111-abcdef";
  const fs::path live = base_ / "haven-edit-222-ghijkl";
  const fs::path young = base_ / "haven-edit-333-mnopqr";
  for (const auto& dir : {dead, live, young}) fs::create_directory(dir);
  std::ofstream(dead / "entry.txt") << "a letter to myself";
  std::ofstream(dead / ".entry.txt.swp") << "swap";
  const fs::path outside = base_ / "outside.txt";
  std::ofstream(outside) << "not haven's";
  fs::create_symlink(outside, dead / "link");
  const fs::path linked = base_ / "linked.txt";
  std::ofstream(linked) << "another name's bytes";
  fs::create_hard_link(linked, dead / "hard");
  int held = open(live.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_EQ(flock(held, LOCK_EX), 0);
  Age(dead);
  Age(live);

  EXPECT_EQ(SweepAbandonedScratch(base_.string()), 1);
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(live)) << "an edit holds it";
  EXPECT_TRUE(fs::exists(young)) << "its maker may not hold it yet";
  EXPECT_EQ(ReadAll(outside), "not haven's") << "a link was followed";
  EXPECT_EQ(ReadAll(linked), "another name's bytes") << "a hard link's bytes were zeroed";
  close(held);
}

// Runs EditText in a child whose "editor" sends `signal` to haven first;
// the child's wait status.
int EditWhileSignalled(const fs::path& base, int signal, bool ignored) {
  pid_t child = fork();
  if (child == 0) {
    setenv("XDG_RUNTIME_DIR", base.c_str(), 1);
    if (ignored) std::signal(signal, SIG_IGN);
    const std::string editor =
        "kill -" + std::to_string(signal) + " " + std::to_string(getpid()) + "; printf 'x' >>";
    (void)EditText(editor, "", {});
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return status;
}

TEST_F(EditorScratchTest, AnIgnoredHangupStaysIgnored) {
  const int status = EditWhileSignalled(base_, SIGHUP, /*ignored=*/true);
  ASSERT_TRUE(WIFEXITED(status)) << "ended by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(CountScratch(base_), 0);
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
