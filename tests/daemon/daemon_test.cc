// RunDaemon (server/daemon/daemon.h) in this process: what it refuses
// before touching the home, and one whole run on a thread, served through
// the home's socket and ended by Admin.Shutdown.
#include "server/daemon/daemon.h"

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "common/home_socket.h"
#include "haven/v1/daemon.grpc.pb.h"
#include "server/daemon/home_dir.h"
#include "tests/store/temp_dir.h"

namespace haven {
namespace {

namespace fs = std::filesystem;

class RunDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override { options_.home = dir_ + "/home"; }

  // Refused with `code`, before the home was created.
  void ExpectRefused(absl::StatusCode code, const std::string& says) {
    absl::Status status = RunDaemon(options_);
    EXPECT_EQ(status.code(), code) << status;
    EXPECT_NE(std::string(status.message()).find(says), std::string::npos) << status;
    EXPECT_FALSE(fs::exists(options_.home)) << "the home was touched";
  }

  testing::TempDir tmp_;
  const std::string dir_ = tmp_.path();
  DaemonOptions options_;
};

TEST_F(RunDaemonTest, RefusesAnUnknownLogLevel) {
  options_.log_level = "loud";
  ExpectRefused(absl::StatusCode::kInvalidArgument, "--log-level");
}

TEST_F(RunDaemonTest, RefusesListenWithoutHubAndHubWithoutListen) {
  options_.listen = "127.0.0.1:0";
  ExpectRefused(absl::StatusCode::kInvalidArgument, "add --hub");
  options_.listen.clear();
  options_.hub = true;
  ExpectRefused(absl::StatusCode::kInvalidArgument, "--hub needs --listen");
}

TEST_F(RunDaemonTest, RefusesPlaintextTcpOffLoopback) {
  options_.hub = true;
  options_.listen = "0.0.0.0:0";
  ExpectRefused(absl::StatusCode::kInvalidArgument, "plaintext TCP");
  options_.tls_cert = dir_ + "/cert.pem";  // a certificate without its key
  ExpectRefused(absl::StatusCode::kInvalidArgument, "--tls-cert needs --tls-key");
}

TEST_F(RunDaemonTest, RefusesAnEmptyTokenFile) {
  options_.hub = true;
  options_.listen = "127.0.0.1:0";
  options_.token_file = dir_ + "/token";
  std::ofstream(options_.token_file) << " \n";
  ExpectRefused(absl::StatusCode::kInvalidArgument, "--token-file: the file is empty");
}

TEST_F(RunDaemonTest, RefusesAHomeThatIsAFile) {
  std::ofstream(options_.home) << "x";
  absl::Status status = RunDaemon(options_);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
}

TEST_F(RunDaemonTest, RefusesAHomeAnotherDaemonServes) {
  ASSERT_TRUE(PrepareHome(options_.home).ok());
  auto lock = HomeLock::Acquire(options_.home);
  ASSERT_TRUE(lock.ok()) << lock.status();
  // The holder answers on the home's socket.
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string socket_path = SocketPath(options_.home);
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  absl::Status status = RunDaemon(options_);
  close(fd);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_NE(std::string(status.message()).find("already running"), std::string::npos) << status;
  EXPECT_TRUE(fs::exists(socket_path)) << "the running daemon's socket was left alone";
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST_F(RunDaemonTest, ServesTheHomeUntilAdminShutdown) {
  std::atomic<bool> returned = false;
  absl::Status result;
  std::thread daemon([&] {
    result = RunDaemon(options_);
    returned = true;
  });
  const std::string socket_path = SocketPath(options_.home);
  while (!returned && !SocketAnswers(socket_path)) std::this_thread::yield();
  if (returned) {
    daemon.join();
    FAIL() << "RunDaemon returned before serving: " << result;
  }
  EXPECT_EQ(ModeOf(options_.home), 0700);
  EXPECT_EQ(ModeOf(socket_path), 0600);
  auto channel = grpc::CreateChannel("unix:" + socket_path, grpc::InsecureChannelCredentials());
  auto admin = v1::Admin::NewStub(channel);
  v1::StatusReply reply;
  {
    grpc::ClientContext context;
    grpc::Status status = admin->Status(&context, {}, &reply);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(reply.pid(), getpid());
  EXPECT_EQ(reply.home(), options_.home);
  EXPECT_FALSE(reply.hub());
  {
    grpc::ClientContext context;
    v1::ShutdownReply shutdown;
    EXPECT_TRUE(admin->Shutdown(&context, {}, &shutdown).ok());
  }
  daemon.join();
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_FALSE(fs::exists(fs::symlink_status(socket_path))) << "the socket file was removed";
  int lock = open((options_.home + "/havend.lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(lock, 0);
  EXPECT_EQ(flock(lock, LOCK_EX | LOCK_NB), 0) << "the home lock was released";
  close(lock);
}

}  // namespace
}  // namespace haven
