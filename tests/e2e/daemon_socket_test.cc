// The home's Unix socket serves only the user who owns the daemon: a
// connection from any other uid is closed before gRPC reads a byte, even
// when the file modes would let it in (server/daemon/unix_listener.h).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "tests/e2e/harness.h"

namespace haven::e2e {
namespace {

constexpr uid_t kNobody = 65534;

// Connects to `path`, speaks the first bytes of HTTP/2 (the client preface
// and an empty SETTINGS frame) and reads. Returns how many bytes the daemon
// answered with: a served connection gets the server's SETTINGS, a refused
// one end-of-file. -1 when the connection itself fails.
ssize_t ProbeSocket(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  // A safety net against a hang, not a timing assumption: either answer
  // comes at once.
  timeval limit{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  static const char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0";
  ssize_t sent = send(fd, kPreface, sizeof(kPreface) - 1, MSG_NOSIGNAL);
  char buffer[256];
  ssize_t got = sent < 0 ? 0 : recv(fd, buffer, sizeof(buffer), 0);
  close(fd);
  return got < 0 ? 0 : got;
}

// The probe run by uid `uid` in a child process: 0 refused, 1 served,
// 2 could not connect, 3 could not become `uid`.
int ProbeAs(uid_t uid, const std::string& path) {
  pid_t pid = fork();
  if (pid == 0) {
    if (setgid(uid) != 0 || setuid(uid) != 0) _exit(3);
    ssize_t got = ProbeSocket(path);
    _exit(got < 0 ? 2 : got == 0 ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 4;
}

TEST(DaemonSocketTest, ServesOnlyTheUserWhoOwnsTheDaemon) {
  if (geteuid() != 0) GTEST_SKIP() << "acting as another user needs root";
  TestHome home;
  ASSERT_EQ(home.Run({"daemon", "start"}).exit_code, 0);
  const std::string socket_path = home.path() + "/havend.sock";
  // The owner is served (so the probe can tell the two apart).
  EXPECT_GT(ProbeSocket(socket_path), 0) << "the daemon did not answer its own user";

  // Open every door the file system has, as a careless chmod would: only
  // the peer check is left.
  ASSERT_EQ(chmod(home.root().c_str(), 0755), 0);
  ASSERT_EQ(chmod(home.path().c_str(), 0755), 0);
  ASSERT_EQ(chmod(socket_path.c_str(), 0666), 0);
  EXPECT_EQ(ProbeAs(kNobody, socket_path), 0) << "another user was served (1) or could not "
                                                 "connect (2) or become nobody (3)";

  // The daemon carries on serving its user, and said what it refused.
  ASSERT_TRUE(home.DaemonRunning());
  EXPECT_EQ(home.Run({"daemon", "status"}).exit_code, 0);
  EXPECT_GT(ProbeSocket(socket_path), 0);
  EXPECT_NE(ReadFile(home.path() + "/havend.log").find("refused a connection from another user"),
            std::string::npos);
}

}  // namespace
}  // namespace haven::e2e
