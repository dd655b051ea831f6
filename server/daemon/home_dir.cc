#include "server/daemon/home_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "common/home_socket.h"

namespace haven {

absl::Status PrepareHome(const std::string& home) {
  std::error_code ec;
  std::filesystem::create_directories(home, ec);
  if (ec) return absl::FailedPreconditionError("home " + home + ": " + ec.message());
  if (chmod(home.c_str(), 0700) != 0) {
    return absl::FailedPreconditionError("home " + home + ": " + std::strerror(errno));
  }
  return absl::OkStatus();
}

absl::StatusOr<HomeLock> HomeLock::Acquire(const std::string& home) {
  std::string path = home + "/havend.lock";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return absl::FailedPreconditionError(path + ": " + std::strerror(errno));
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool locked = flock(fd, LOCK_EX | LOCK_NB) == 0;
  while (!locked && !SocketAnswers(SocketPath(home)) &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    locked = flock(fd, LOCK_EX | LOCK_NB) == 0;
  }
  if (!locked) {
    char buf[32] = {0};
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    close(fd);
    std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "?";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    return absl::FailedPreconditionError("another havend (pid " + pid +
                                         ") is already running for home " + home);
  }
  std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    close(fd);
    return absl::FailedPreconditionError(path + ": cannot record the pid");
  }
  return HomeLock(fd);
}

HomeLock::~HomeLock() {
  if (fd_ >= 0) close(fd_);
}

std::string ExecutableDir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return ".";
  return exe.parent_path().string();
}

}  // namespace haven
