// The CLI's client (cli/client.h) against a daemon that speaks only gRPC,
// as an older havend does until it is restarted after an upgrade: every
// connection handed straight to a gRPC server. A local call finds HTTP/2
// instead of a reply and is made again over gRPC, with the same answer.
#include "cli/client.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/server_posix.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "common/home_socket.h"

namespace haven::cli {
namespace {

constexpr int64_t kPid = 7373;

class FakeAdmin : public v1::Admin::Service {
  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*,
                      v1::StatusReply* reply) override {
    reply->set_pid(kPid);
    return grpc::Status::OK;
  }
};

// A gRPC-only daemon on HOME/havend.sock: accepts `connections`
// connections and gives each to the server.
class GrpcOnlyDaemon {
 public:
  GrpcOnlyDaemon(const std::string& home, int connections) {
    grpc::ServerBuilder builder;
    builder.RegisterService(&admin_);
    server_ = builder.BuildAndStart();
    listener_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, SocketPath(home).c_str(), sizeof(addr.sun_path) - 1);
    EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(listener_, 8), 0);
    acceptor_ = std::thread([this, connections] {
      for (int i = 0; i < connections; ++i) {
        int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) return;
        grpc::AddInsecureChannelFromFd(server_.get(), fd);
      }
    });
  }
  ~GrpcOnlyDaemon() {
    shutdown(listener_, SHUT_RDWR);
    acceptor_.join();
    close(listener_);
    server_->Shutdown();
  }

 private:
  FakeAdmin admin_;
  std::unique_ptr<grpc::Server> server_;
  int listener_;
  std::thread acceptor_;
};

TEST(DaemonClientTest, AnOlderDaemonThatSpeaksOnlyGrpcGetsTheCallOverGrpc) {
  char tmpl[] = "/tmp/haven_client_test.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string home = tmpl;
  {
    // The local call's connection, then the gRPC channel's.
    GrpcOnlyDaemon daemon(home, 2);
    auto client = DaemonClient::Connect(home, /*start=*/false);
    ASSERT_TRUE(client.ok()) << client.status();
    v1::StatusReply reply;
    grpc::Status status = (*client)->Call(kAdminStatus, v1::StatusRequest(), &reply);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(reply.pid(), kPid);
  }
  std::filesystem::remove_all(home);
}

}  // namespace
}  // namespace haven::cli
