// The home's Unix socket (server/daemon/unix_listener.h): born 0600,
// replacing a stale file, serving the owner's gRPC calls through a server
// with no port of its own, closing connections from any other uid, and
// removing its socket file (only its own) when it stops.
#include "server/daemon/unix_listener.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "common/home_socket.h"
#include "haven/v1/daemon.grpc.pb.h"

namespace haven {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kPid = 4242;

// Admin.Status answers with a pid nobody else would.
class FakeAdmin : public v1::Admin::Service {
  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*,
                      v1::StatusReply* reply) override {
    reply->set_pid(kPid);
    return grpc::Status::OK;
  }
};

class UnixListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/haven_unix_listener_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/havend.sock";
    grpc::ServerBuilder builder;  // no port: the listener is the only way in
    builder.RegisterService(&admin_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override {
    server_->Shutdown();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::unique_ptr<UnixListener> StartListener() {
    auto listener = UnixListener::Listen(path_, server_.get());
    EXPECT_TRUE(listener.ok()) << listener.status();
    if (!listener.ok()) return nullptr;
    (*listener)->Start();
    return *std::move(listener);
  }

  // Admin.Status over the socket, as the CLI calls it.
  grpc::Status CallStatus(v1::StatusReply* reply) {
    auto channel = grpc::CreateChannel("unix:" + path_, grpc::InsecureChannelCredentials());
    grpc::ClientContext context;
    return v1::Admin::NewStub(channel)->Status(&context, v1::StatusRequest(), reply);
  }

  std::string dir_;
  std::string path_;
  FakeAdmin admin_;
  std::unique_ptr<grpc::Server> server_;
};

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(lstat(path.c_str(), &st), 0) << path;
  return st.st_mode;
}

// Connects to `path`, sends an HTTP/2 client preface and an empty SETTINGS
// frame, and reads: a gRPC server answers with its own SETTINGS (> 0
// bytes); a refused connection reads as closed (0, or -1 for a reset).
ssize_t SpeakHttp2(const std::string& path) {
  int fd = ConnectSocket(path);
  if (fd < 0) {
    ADD_FAILURE() << "connect " << path << ": " << std::strerror(errno);
    return -2;
  }
  static const char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0";
  (void)send(fd, kPreface, sizeof(kPreface) - 1, MSG_NOSIGNAL);  // may meet a closed peer
  char reply[64];
  ssize_t n = read(fd, reply, sizeof(reply));
  close(fd);
  return n;
}

TEST_F(UnixListenerTest, ServesTheOwnersGrpcCallsThroughTheSocket) {
  auto listener = StartListener();
  ASSERT_NE(listener, nullptr);
  v1::StatusReply reply;
  grpc::Status status = CallStatus(&reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reply.pid(), kPid);
  // Several connections in a row, each handed to the server.
  for (int i = 0; i < 3; ++i) EXPECT_GT(SpeakHttp2(path_), 0) << "connection " << i;
}

TEST_F(UnixListenerTest, TheSocketIsBorn0600WhateverTheUmask) {
  const mode_t before = umask(0);
  auto listener = UnixListener::Listen(path_, server_.get());
  const mode_t during = umask(before);
  ASSERT_TRUE(listener.ok()) << listener.status();
  EXPECT_EQ(during, 0) << "Listen restored the caller's umask";
  const mode_t mode = ModeOf(path_);
  EXPECT_TRUE(S_ISSOCK(mode));
  EXPECT_EQ(mode & 07777, 0600);
}

TEST_F(UnixListenerTest, ReplacesAStaleSocketLeftByAKilledDaemon) {
  int stale = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(bind(stale, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  close(stale);  // the file stays, nothing listens behind it
  ASSERT_FALSE(SocketAnswers(path_));
  auto listener = StartListener();
  ASSERT_NE(listener, nullptr);
  v1::StatusReply reply;
  EXPECT_TRUE(CallStatus(&reply).ok());
  EXPECT_EQ(reply.pid(), kPid);
}

TEST_F(UnixListenerTest, ReplacesAStaleRegularFile) {
  std::ofstream(path_) << "stale";
  auto listener = StartListener();
  ASSERT_NE(listener, nullptr);
  EXPECT_TRUE(S_ISSOCK(ModeOf(path_)));
  EXPECT_TRUE(SocketAnswers(path_));
}

TEST_F(UnixListenerTest, RefusesAPathTooLongForAUnixSocket) {
  const std::string path = dir_ + "/" + std::string(sizeof(sockaddr_un::sun_path), 'x');
  auto listener = UnixListener::Listen(path, server_.get());
  ASSERT_FALSE(listener.ok());
  EXPECT_EQ(listener.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(UnixListenerTest, StopClosesTheSocketAndRemovesItsFile) {
  auto listener = StartListener();
  ASSERT_NE(listener, nullptr);
  ASSERT_TRUE(SocketAnswers(path_));
  listener->Stop();
  EXPECT_FALSE(fs::exists(fs::symlink_status(path_)));
  EXPECT_FALSE(SocketAnswers(path_));
  listener->Stop();  // a second Stop (and the destructor's) does nothing
}

TEST_F(UnixListenerTest, DestroyingTheListenerStopsIt) {
  auto listener = StartListener();
  ASSERT_NE(listener, nullptr);
  listener.reset();
  EXPECT_FALSE(fs::exists(fs::symlink_status(path_)));
}

TEST_F(UnixListenerTest, StopLeavesASocketFileThatIsNotItsOwn) {
  auto listener = StartListener();
  ASSERT_NE(listener, nullptr);
  // The home deleted and re-created under the stopping daemon: the path now
  // names the next daemon's socket.
  ASSERT_EQ(unlink(path_.c_str()), 0);
  std::ofstream(path_) << "the next daemon's";
  listener->Stop();
  EXPECT_TRUE(fs::exists(path_));
}

TEST_F(UnixListenerTest, AConnectionFromAnotherUidIsClosedUnread) {
  auto listener = StartListener();
  ASSERT_NE(listener, nullptr);
  // Take away the file-mode layer so that only the peer check is left.
  ASSERT_EQ(chmod(dir_.c_str(), 0711), 0);
  ASSERT_EQ(chmod(path_.c_str(), 0666), 0);
  ASSERT_GT(SpeakHttp2(path_), 0) << "the owner is served";
  ssize_t read_by_other = -2;
  bool switched = false;
  // A raw setresuid changes this thread's credentials only (glibc's wrapper
  // would change every thread's); the connection carries them.
  std::thread other([&] {
    constexpr uid_t kNobody = 65534;
    switched = syscall(SYS_setresuid, -1, kNobody, -1) == 0 && geteuid() == kNobody;
    if (switched) read_by_other = SpeakHttp2(path_);
  });
  other.join();
  if (!switched) GTEST_SKIP() << "cannot take another uid here (not root)";
  EXPECT_LE(read_by_other, 0) << "another uid's connection was answered";
  EXPECT_GT(SpeakHttp2(path_), 0) << "the listener still serves its owner";
}

TEST(PeerUidTest, IsTheUidAtTheOtherEnd) {
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  EXPECT_EQ(PeerUid(pair[0]), geteuid());
  close(pair[0]);
  close(pair[1]);
}

TEST(PeerUidTest, IsMinusOneForWhatIsNotAConnectedSocket) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  EXPECT_EQ(PeerUid(pipe_fds[0]), static_cast<uid_t>(-1));
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  EXPECT_EQ(PeerUid(-1), static_cast<uid_t>(-1));
}

}  // namespace
}  // namespace haven
