#include "server/daemon/unix_listener.h"

#include <grpcpp/server.h>
#include <grpcpp/server_posix.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "server/util/log.h"

namespace haven {
namespace {

constexpr int kBacklog = 64;

absl::Status Errno(const std::string& what, const std::string& path) {
  return absl::UnavailableError("cannot " + what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

uid_t PeerUid(int connection) {
  ucred cred{};
  socklen_t size = sizeof(cred);
  if (getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &cred, &size) != 0 || size != sizeof(cred)) {
    return static_cast<uid_t>(-1);
  }
  return cred.uid;
}

absl::StatusOr<std::unique_ptr<UnixListener>> UnixListener::Listen(const std::string& path,
                                                                   grpc::Server* server) {
  sockaddr_un addr{};
  if (path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError("--home: the path is too long for a Unix socket: " + path);
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  unlink(path.c_str());  // stale from a killed daemon; the caller holds the home lock
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("create a socket for", path);
  mode_t old_umask = umask(0077);  // the socket is born 0600
  int bound = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  umask(old_umask);
  struct stat st {};
  if (bound != 0 || chmod(path.c_str(), 0600) != 0 || stat(path.c_str(), &st) != 0 ||
      listen(fd, kBacklog) != 0) {
    absl::Status error = Errno("listen on", path);
    close(fd);
    return error;
  }
  int wake = eventfd(0, EFD_CLOEXEC);
  if (wake < 0) {
    absl::Status error = Errno("create an eventfd for", path);
    close(fd);
    return error;
  }
  return std::unique_ptr<UnixListener>(
      new UnixListener(path, server, fd, wake, st.st_ino, st.st_dev));
}

UnixListener::UnixListener(std::string path, grpc::Server* server, int fd, int wake_fd, ino_t inode,
                           dev_t device)
    : path_(std::move(path)),
      server_(server),
      fd_(fd),
      wake_fd_(wake_fd),
      inode_(inode),
      device_(device) {}

UnixListener::~UnixListener() { Stop(); }

void UnixListener::Start() {
  thread_ = std::thread([this] { AcceptLoop(); });
}

void UnixListener::Stop() {
  if (fd_ < 0) return;
  uint64_t one = 1;
  if (write(wake_fd_, &one, sizeof(one)) != sizeof(one)) {
    // An eventfd write fails only on counter overflow; the loop also ends
    // when the listening socket is shut down below.
  }
  shutdown(fd_, SHUT_RDWR);
  if (thread_.joinable()) thread_.join();
  close(fd_);
  close(wake_fd_);
  fd_ = wake_fd_ = -1;
  struct stat now {};
  if (stat(path_.c_str(), &now) == 0 && now.st_ino == inode_ && now.st_dev == device_) {
    unlink(path_.c_str());
  }
}

void UnixListener::AcceptLoop() {
  pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  while (true) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      Log(LogLevel::kError, "socket poll failed", {{"error", std::strerror(errno)}});
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) {
      if (fds[0].revents != 0) return;  // shut down or in error
      continue;
    }
    // Non-blocking, as gRPC's endpoints expect: it reads on this thread at once.
    int connection = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (connection < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN) continue;
      if (errno == EMFILE || errno == ENFILE) {
        Log(LogLevel::kWarn, "socket accept failed", {{"error", std::strerror(errno)}});
        continue;
      }
      return;  // EINVAL after shutdown(2)
    }
    Serve(connection);
  }
}

void UnixListener::Serve(int connection) {
  uid_t peer = PeerUid(connection);
  if (peer != geteuid()) {
    Log(LogLevel::kWarn, "refused a connection from another user",
        {{"uid", std::to_string(static_cast<int64_t>(peer))}});
    close(connection);
    return;
  }
  grpc::AddInsecureChannelFromFd(server_, connection);  // the server owns it now
}

}  // namespace haven
