#include "common/home_socket.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "tests/store/temp_dir.h"

namespace haven {
namespace {

// A listening Unix socket at `path`, as havend makes one; -1 on failure.
int Listen(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 4) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

TEST(HomeSocketTest, ConnectsToAListeningDaemonWithACloseOnExecSocket) {
  testing::TempDir home;
  int listener = Listen(SocketPath(home.path()));
  ASSERT_GE(listener, 0) << std::strerror(errno);

  int fd = ConnectSocket(SocketPath(home.path()));
  ASSERT_GE(fd, 0) << std::strerror(errno);
  // The CLI's gRPC channel runs over this socket; a daemon it starts later
  // must not inherit it.
  EXPECT_NE(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
  int accepted = accept(listener, nullptr, nullptr);
  EXPECT_GE(accepted, 0);
  EXPECT_EQ(write(fd, "x", 1), 1);
  char byte = 0;
  EXPECT_EQ(read(accepted, &byte, 1), 1);
  EXPECT_EQ(byte, 'x');
  EXPECT_TRUE(SocketAnswers(SocketPath(home.path())));
  close(accepted);
  close(fd);
  close(listener);
}

TEST(HomeSocketTest, NoDaemonIsAFailedConnectWithTheReason) {
  testing::TempDir home;
  errno = 0;
  EXPECT_EQ(ConnectSocket(SocketPath(home.path())), -1);
  EXPECT_EQ(errno, ENOENT);
  EXPECT_FALSE(SocketAnswers(SocketPath(home.path())));

  // A socket file left by a daemon that is gone refuses the connection.
  int listener = Listen(SocketPath(home.path()));
  ASSERT_GE(listener, 0);
  close(listener);
  errno = 0;
  EXPECT_EQ(ConnectSocket(SocketPath(home.path())), -1);
  EXPECT_EQ(errno, ECONNREFUSED);
  EXPECT_FALSE(SocketAnswers(SocketPath(home.path())));
}

TEST(HomeSocketTest, APathTooLongForAUnixSocketIsRefusedBeforeAnySystemCall) {
  std::string home = "/tmp/" + std::string(sizeof(sockaddr_un::sun_path), 'h');
  errno = 0;
  EXPECT_EQ(ConnectSocket(SocketPath(home)), -1);
  EXPECT_EQ(errno, ENAMETOOLONG);
  EXPECT_FALSE(SocketAnswers(SocketPath(home)));
}

}  // namespace
}  // namespace haven
