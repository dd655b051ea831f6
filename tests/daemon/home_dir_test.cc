// The daemon's home (server/daemon/home_dir.h): created 0700, tightened
// when it exists, and held by one daemon at a time through HOME/havend.lock.
#include "server/daemon/home_dir.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "common/home_socket.h"
#include "tests/store/temp_dir.h"

namespace haven {
namespace {

namespace fs = std::filesystem;

class HomeDirTest : public ::testing::Test {
 protected:
  testing::TempDir tmp_;
  const std::string root_ = tmp_.path();
};

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Restores the process umask when it goes.
class UmaskFor {
 public:
  explicit UmaskFor(mode_t mask) : old_(umask(mask)) {}
  ~UmaskFor() { umask(old_); }

 private:
  mode_t old_;
};

TEST_F(HomeDirTest, CreatesAMissingHomeAndItsParentsWithMode0700) {
  UmaskFor permissive(0);  // whatever the umask, the home itself is 0700
  const std::string home = root_ + "/a/b/home";
  ASSERT_TRUE(PrepareHome(home).ok());
  EXPECT_TRUE(fs::is_directory(home));
  EXPECT_EQ(ModeOf(home), 0700);
}

TEST_F(HomeDirTest, TightensAnExistingGroupAndWorldWritableHome) {
  const std::string home = root_ + "/home";
  ASSERT_EQ(mkdir(home.c_str(), 0700), 0);
  ASSERT_EQ(chmod(home.c_str(), 0777), 0);
  ASSERT_TRUE(PrepareHome(home).ok());
  EXPECT_EQ(ModeOf(home), 0700);
}

TEST_F(HomeDirTest, KeepsWhatAnExistingHomeHolds) {
  const std::string home = root_ + "/home";
  ASSERT_TRUE(PrepareHome(home).ok());
  std::ofstream(home + "/kept") << "data";
  ASSERT_TRUE(PrepareHome(home).ok());
  EXPECT_EQ(ReadFile(home + "/kept"), "data");
}

TEST_F(HomeDirTest, RefusesAHomeThatIsAFile) {
  const std::string home = root_ + "/file";
  std::ofstream(home) << "x";
  ASSERT_EQ(chmod(home.c_str(), 0644), 0);
  absl::Status status = PrepareHome(home);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_NE(std::string(status.message()).find(home), std::string::npos) << status;
  EXPECT_EQ(ModeOf(home), 0644) << "the file was left as it was";
}

TEST_F(HomeDirTest, TheLockRecordsThePidOfItsHolder) {
  auto lock = HomeLock::Acquire(root_);
  ASSERT_TRUE(lock.ok()) << lock.status();
  EXPECT_EQ(ReadFile(root_ + "/havend.lock"), std::to_string(getpid()) + "\n");
  EXPECT_EQ(ModeOf(root_ + "/havend.lock") & 0077, 0) << "readable by the owner only";
}

// A listening socket at HOME/havend.sock: the holder "answers", so a second
// Acquire does not wait for it.
int ListenAt(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(fd, 4) != 0) {
    ADD_FAILURE() << "cannot listen on " << path << ": " << std::strerror(errno);
  }
  return fd;
}

TEST_F(HomeDirTest, ASecondDaemonIsRefusedWithTheRunningOnesPid) {
  auto first = HomeLock::Acquire(root_);
  ASSERT_TRUE(first.ok()) << first.status();
  int listening = ListenAt(SocketPath(root_));
  ASSERT_TRUE(SocketAnswers(SocketPath(root_)));
  auto second = HomeLock::Acquire(root_);
  close(listening);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  const std::string message(second.status().message());
  EXPECT_NE(message.find("pid " + std::to_string(getpid()) + ")"), std::string::npos) << message;
  EXPECT_NE(message.find(root_), std::string::npos) << message;
  EXPECT_EQ(ReadFile(root_ + "/havend.lock"), std::to_string(getpid()) + "\n")
      << "the refused daemon left the holder's pid in place";
}

TEST_F(HomeDirTest, TheLockIsReleasedWhenItsHolderGoes) {
  { ASSERT_TRUE(HomeLock::Acquire(root_).ok()); }
  int fd = open((root_ + "/havend.lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0) << "nobody holds the lock any more";
  close(fd);
}

TEST_F(HomeDirTest, AMovedFromLockDoesNotReleaseIt) {
  auto lock = HomeLock::Acquire(root_);
  ASSERT_TRUE(lock.ok()) << lock.status();
  std::optional<HomeLock> moved;
  {
    HomeLock source = *std::move(lock);
    moved.emplace(std::move(source));
  }  // `source` (and the StatusOr's moved-from value) gone; `moved` still holds it
  int fd = open((root_ + "/havend.lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_NE(flock(fd, LOCK_EX | LOCK_NB), 0) << "the moved-to lock still holds the home";
  moved.reset();
  EXPECT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0) << "released with its last holder";
  close(fd);
}

// A holder that does not answer on its socket is starting or stopping:
// Acquire waits for it to let go instead of refusing. The holder lets go
// once the waiter has opened the lock file (seen through inotify), that
// is, once the waiter is about to find the lock taken.
TEST_F(HomeDirTest, WaitsForAHolderThatDoesNotAnswerToLetGo) {
  auto first = HomeLock::Acquire(root_);
  ASSERT_TRUE(first.ok()) << first.status();
  std::optional<HomeLock> holder(*std::move(first));
  int watch = inotify_init1(IN_CLOEXEC);
  ASSERT_GE(watch, 0);
  ASSERT_GE(inotify_add_watch(watch, (root_ + "/havend.lock").c_str(), IN_OPEN), 0);
  absl::Status second_status;
  std::thread second([&] { second_status = HomeLock::Acquire(root_).status(); });
  alignas(inotify_event) char events[sizeof(inotify_event) + 256];
  ssize_t n = read(watch, events, sizeof(events));  // blocks until the waiter opens it
  holder.reset();
  second.join();
  close(watch);
  ASSERT_GT(n, 0);
  EXPECT_TRUE(second_status.ok()) << second_status;
}

TEST(ExecutableDirTest, IsTheDirectoryHoldingThisTestBinary) {
  const fs::path dir = ExecutableDir();
  EXPECT_TRUE(dir.is_absolute()) << dir;
  EXPECT_TRUE(fs::exists(dir / "home_dir_test")) << dir;
}

}  // namespace
}  // namespace haven
