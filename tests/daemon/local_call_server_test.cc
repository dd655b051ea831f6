// Local calls on the home socket (server/daemon/local_call_server.h,
// docs/design.md "Local calls"), driven as an attacker would: a real
// listener and real connections, requests written byte by byte. A call
// reaches the same handler as over gRPC; a request past a bound is
// answered with the bound it passed; an unknown method or a service the
// daemon does not add is UNIMPLEMENTED; a handler that throws fails its
// call, not the daemon; a connection that sends nothing holds no one else
// up and does not hold up Stop; with every thread busy, connections wait
// up to a bound and past it are closed, and once threads free up, the
// waiting call is served.
#include "server/daemon/local_call_server.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/home_socket.h"
#include "common/local_call.h"
#include "common/socket_io.h"
#include "server/daemon/unix_listener.h"

namespace haven {
namespace {

constexpr int64_t kPid = 5151;

class FakeAdmin : public v1::Admin::Service {
  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*,
                      v1::StatusReply* reply) override {
    reply->set_pid(kPid);
    return grpc::Status::OK;
  }
  grpc::Status Shutdown(grpc::ServerContext*, const v1::ShutdownRequest* req,
                        v1::ShutdownReply*) override {
    if (req->ByteSizeLong() > 0) throw std::runtime_error("a handler's bug");
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "not in this test");
  }
};

// What a raw client reads back: the reply, or why there was none.
absl::StatusOr<LocalReply> Exchange(int fd, const std::string& bytes) {
  const SocketDeadline deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  absl::Status sent = WriteAll(fd, bytes, deadline);
  if (!sent.ok()) return sent;
  return ReadLocalReply([&](char* out, size_t n) { return ReadExactly(fd, out, n, deadline); });
}

class LocalCallServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/haven_local_call_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    grpc::ServerBuilder builder;  // the gRPC twin the listener hands 'P' to
    builder.RegisterService(&admin_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    calls_.AddAdmin(&admin_);  // as on a hub: Admin alone
    Listen({});
  }
  void Listen(ListenerLimits limits) {
    listener_.reset();
    auto listener = UnixListener::Listen(dir_ + "/havend.sock", server_.get(), &calls_, limits);
    ASSERT_TRUE(listener.ok()) << listener.status();
    listener_ = *std::move(listener);
    listener_->Start();
  }
  void TearDown() override {
    listener_.reset();
    server_->Shutdown();
    std::filesystem::remove_all(dir_);
  }

  int Connect() {
    int fd = ConnectSocket(dir_ + "/havend.sock");
    EXPECT_GE(fd, 0) << std::strerror(errno);
    return fd;
  }
  absl::StatusOr<LocalReply> Call(const std::string& bytes) {
    int fd = Connect();
    auto reply = Exchange(fd, bytes);
    close(fd);
    return reply;
  }
  static std::string StatusRequest() {
    std::string body = v1::StatusRequest().SerializeAsString();
    return LocalRequestHead(kAdminStatus.name, body.size()) + body;
  }

  std::string dir_;
  FakeAdmin admin_;
  std::unique_ptr<grpc::Server> server_;
  LocalCallServer calls_{nullptr};
  std::unique_ptr<UnixListener> listener_;
};

TEST_F(LocalCallServerTest, ACallReachesTheServicesHandler) {
  auto reply = Call(StatusRequest());
  ASSERT_TRUE(reply.ok()) << reply.status();
  ASSERT_TRUE(reply->status.ok()) << reply->status.error_message();
  v1::StatusReply status;
  ASSERT_TRUE(status.ParseFromString(reply->body));
  EXPECT_EQ(status.pid(), kPid);
}

TEST_F(LocalCallServerTest, AHandlersErrorComesBackWithItsCodeAndNoBody) {
  auto reply = Call(LocalRequestHead(kAdminShutdown.name, 0));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(reply->status.error_message(), "not in this test");
  EXPECT_TRUE(reply->body.empty());
}

TEST_F(LocalCallServerTest, AServiceTheDaemonDidNotAddIsUnimplemented) {
  for (std::string_view method :
       {kJournalList.name, std::string_view("/haven.v1.Hub/Push"), std::string_view("")}) {
    auto reply = Call(LocalRequestHead(method, 0));
    ASSERT_TRUE(reply.ok()) << method << ": " << reply.status();
    EXPECT_EQ(reply->status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << method;
  }
}

TEST_F(LocalCallServerTest, ARequestThatDoesNotParseIsInvalid) {
  const std::string body = "\xff\xff\xff";
  auto reply = Call(LocalRequestHead(kAdminStatus.name, body.size()) + body);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(LocalCallServerTest, LengthsPastTheirBoundsAreAnsweredWithTheBound) {
  // A method name of 129 bytes, then a body announced at 64 MiB + 1 and
  // never sent: each refused from its length alone.
  std::string long_name(kMaxLocalMethodBytes + 1, 'm');
  auto reply = Call(LocalRequestHead(long_name, 0));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(reply->status.error_message().find("method name"), std::string::npos);
  reply = Call(LocalRequestHead(kAdminStatus.name, kMaxLocalBodyBytes + 1));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(reply->status.error_message().find("limit of 67108864"), std::string::npos);
}

TEST_F(LocalCallServerTest, AWrongMagicOrAnUnknownFirstByteIsClosedUnanswered) {
  for (std::string bytes :
       {std::string("hvn2\0\0\0\0", 8), std::string("GET / HTTP/1.1\r\n\r\n")}) {
    auto reply = Call(bytes);
    if (bytes[0] == 'h') {
      // The magic's first byte routes it to the local call server, which
      // says what is wrong before it closes.
      ASSERT_TRUE(reply.ok()) << reply.status();
      EXPECT_EQ(reply->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    } else {
      EXPECT_TRUE(absl::IsUnavailable(reply.status())) << reply.status();
    }
  }
}

TEST_F(LocalCallServerTest, ASilentConnectionHoldsNoOneElseUp) {
  int silent = Connect();
  int half = Connect();
  ASSERT_TRUE(
      WriteAll(half, LocalRequestHead(kAdminStatus.name, 100).substr(0, 9), kNoSocketDeadline)
          .ok());
  auto reply = Call(StatusRequest());
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_TRUE(reply->status.ok());
  close(silent);
  close(half);
}

TEST_F(LocalCallServerTest, AHandlerThatThrowsFailsItsCallNotTheDaemon) {
  const std::string body = "\x08\x01";  // a field FakeAdmin throws on (unknown, kept)
  auto reply = Call(LocalRequestHead(kAdminShutdown.name, body.size()) + body);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status.error_code(), grpc::StatusCode::UNKNOWN);
  auto next = Call(StatusRequest());
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_TRUE(next->status.ok());
}

TEST_F(LocalCallServerTest, StopWakesConnectionsThatSendNothing) {
  // An hour to send a request: only Stop's shutdown can end these waits
  // before the test's own timeout.
  Listen({.threads = 4, .waiting = 4, .request_within = std::chrono::hours(1)});
  int silent = Connect();
  int half = Connect();
  ASSERT_TRUE(WriteAll(half, "hvn1", kNoSocketDeadline).ok());
  // Both are taken by threads once a call behind them is served.
  auto reply = Call(StatusRequest());
  ASSERT_TRUE(reply.ok() && reply->status.ok()) << reply.status();
  listener_->Stop();
  char byte;
  EXPECT_EQ(read(silent, &byte, 1), 0) << "closed unanswered";
  EXPECT_EQ(read(half, &byte, 1), 0) << "closed unanswered";
  close(silent);
  close(half);
}

TEST_F(LocalCallServerTest, WithEveryThreadBusyConnectionsWaitUpToABoundThenAreRefused) {
  Listen({.threads = 2, .waiting = 1, .request_within = std::chrono::hours(1)});
  std::vector<int> silent = {Connect(), Connect()};  // both threads wait on these
  int waiting = Connect();
  ASSERT_TRUE(WriteAll(waiting, StatusRequest(), kNoSocketDeadline).ok());
  // Taken in order: by now the waiting one is queued, so this one is one
  // too many.
  auto refused = Call(StatusRequest());
  EXPECT_TRUE(absl::IsUnavailable(refused.status())) << refused.status();
  for (int fd : silent) close(fd);
  auto served = Exchange(waiting, "");
  close(waiting);
  ASSERT_TRUE(served.ok()) << served.status();
  EXPECT_TRUE(served->status.ok());
}

}  // namespace
}  // namespace haven
