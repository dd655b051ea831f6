// havend keeps its memory out of core files and away from other processes
// of its user: RLIMIT_CORE 0 and not dumpable, seen from outside through
// /proc on a real daemon.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "tests/e2e/harness.h"

namespace haven::e2e {
namespace {

namespace fs = std::filesystem;

// The uid a root test drops to: the owner of a non-dumpable process's
// /proc entries is root, so the daemon must run as someone else to tell.
constexpr uid_t kNobody = 65534;

// "Max core file size   0   0   bytes" -> {"0", "0"}.
std::pair<std::string, std::string> CoreLimits(pid_t pid) {
  std::istringstream in(ReadFile("/proc/" + std::to_string(pid) + "/limits"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Max core file size", 0) != 0) continue;
    std::istringstream fields(line.substr(std::string("Max core file size").size()));
    std::string soft, hard;
    fields >> soft >> hard;
    return {soft, hard};
  }
  return {"", ""};
}

// The "Uid:" line's real uid from /proc/PID/status, or -1.
long RealUid(pid_t pid) {
  std::istringstream in(ReadFile("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Uid:", 0) == 0) return std::stol(line.substr(4));
  }
  return -1;
}

class HardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/hv-harden-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    uid_ = geteuid() == 0 ? kNobody : geteuid();
    gid_ = geteuid() == 0 ? kNobody : getegid();
    ASSERT_EQ(chown(root_.c_str(), uid_, gid_), 0) << std::strerror(errno);
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // Starts havend on a fresh home as uid_ (dropping from root when we are
  // root), with HOME in a directory that uid owns.
  void StartDaemon() {
    std::string home = root_ + "/h", log = root_ + "/havend.log", bin = HavendBinary();
    std::string home_env = "HOME=" + root_;
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      if (geteuid() == 0 && (fchown(fd, uid_, gid_) != 0 || setgroups(0, nullptr) != 0 ||
                             setgid(gid_) != 0 || setuid(uid_) != 0)) {
        _exit(126);
      }
      char* argv[] = {const_cast<char*>("havend"), const_cast<char*>("--home"), home.data(),
                      nullptr};
      char* envp[] = {home_env.data(), const_cast<char*>("PATH=/usr/bin:/bin"), nullptr};
      execve(bin.c_str(), argv, envp);
      _exit(127);
    }
    // Ready once its socket exists: main() has long passed its first line.
    bool ready = WaitUntil([&] {
      if (waitpid(pid_, &exit_status_, WNOHANG) == pid_) {
        pid_ = -1;
        return true;
      }
      return fs::exists(home + "/havend.sock");
    });
    if (pid_ < 0 && WIFEXITED(exit_status_) && WEXITSTATUS(exit_status_) == 126) {
      GTEST_SKIP() << "cannot drop from root to uid " << uid_ << " here (no CAP_SETUID?)";
    }
    ASSERT_TRUE(ready && pid_ > 0) << "havend did not start:\n" << ReadFile(log);
  }

  std::string root_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  pid_t pid_ = -1;
  int exit_status_ = 0;
};

TEST_F(HardeningTest, HavendHasNoCoreLimitAndIsNotDumpable) {
  StartDaemon();
  if (IsSkipped() || HasFatalFailure()) return;
  ASSERT_EQ(RealUid(pid_), static_cast<long>(uid_)) << "the daemon should run as uid " << uid_;
  EXPECT_EQ(CoreLimits(pid_), std::make_pair(std::string("0"), std::string("0")))
      << ReadFile("/proc/" + std::to_string(pid_) + "/limits");
  // A dumpable process's /proc entries belong to its uid; a non-dumpable
  // one's to root. (uid_ is never root here, so this cannot hold by chance.)
  ASSERT_NE(uid_, 0u);
  struct stat st {};
  ASSERT_EQ(stat(("/proc/" + std::to_string(pid_) + "/status").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u) << "/proc/" << pid_ << "/status is owned by uid " << st.st_uid
                           << ": havend is dumpable";
}

}  // namespace
}  // namespace haven::e2e
