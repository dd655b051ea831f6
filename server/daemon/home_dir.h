// The daemon's home: created 0700, held by one daemon at a time.
#ifndef HAVEN_SERVER_DAEMON_HOME_DIR_H_
#define HAVEN_SERVER_DAEMON_HOME_DIR_H_

#include <string>

#include "absl/status/statusor.h"

namespace haven {

// Creates `home` with mode 0700 (missing parents as the umask makes them)
// and tightens an existing one to 0700.
absl::Status PrepareHome(const std::string& home);

// An exclusive flock on HOME/havend.lock, held until destruction.
class HomeLock {
 public:
  // FailedPrecondition naming the running daemon's pid when taken. A
  // daemon that holds the lock but does not answer on its socket is
  // starting or stopping; Acquire waits up to 10 s for it to let go, so
  // `haven daemon stop` (which returns once the socket goes quiet, while
  // the old daemon is still closing its store) can be followed at once by
  // a command that starts a new one.
  static absl::StatusOr<HomeLock> Acquire(const std::string& home);
  HomeLock(HomeLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  HomeLock(const HomeLock&) = delete;
  ~HomeLock();

 private:
  explicit HomeLock(int fd) : fd_(fd) {}
  int fd_;
};

// The directory holding the running executable (for built-in plugins).
std::string ExecutableDir();

}  // namespace haven

#endif  // HAVEN_SERVER_DAEMON_HOME_DIR_H_
