// The CLI's client (cli/client.h, cli/grpc_call.h) against gRPC's own
// server, the one havend runs, on HOME/havend.sock: a reply, an error with
// its code, its percent-encoded message and its details, a request and a
// reply of several megabytes (HTTP/2 flow control both ways), a timeout
// that reaches the server as the call's deadline, and one client making
// several calls.
#include "cli/client.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/server_posix.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/field_error.h"
#include "common/home_socket.h"
#include "common/status.h"

namespace haven::cli {
namespace {

constexpr int64_t kPid = 7373;

// gRPC stays initialised for the whole test: when a fake daemon's server
// was its last user, gRPC's shutdown joined a poller thread that sleeps up
// to 10 s in epoll_wait, once per test.
const bool grpc_held = (grpc_init(), true);

class FakeAdmin : public v1::Admin::Service {
  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*,
                      v1::StatusReply* reply) override {
    reply->set_pid(kPid);
    return grpc::Status::OK;
  }
};

// Show echoes its id back as the entry, ten times over; an id "refuse"
// is refused with a field error; an id "wait" holds the call until the
// client's deadline cancels it.
class FakeJournal : public v1::Journal::Service {
 public:
  grpc::Status Show(grpc::ServerContext* context, const v1::ShowRequest* request,
                    v1::ShowReply* reply) override {
    if (request->id() == "refuse") {
      return ToGrpc(FieldError(absl::StatusCode::kInvalidArgument, "distress_before",
                               "must be 0–10, got 12% too much"));
    }
    if (request->id() == "wait") return Wait(context);
    for (int i = 0; i < 10; ++i) reply->mutable_entry_json()->append(request->id());
    return grpc::Status::OK;
  }

  // Once a held call was cancelled: the deadline it had from the client,
  // and when the handler first saw the call.
  struct Held {
    std::chrono::system_clock::time_point deadline;
    std::chrono::system_clock::time_point entered;
  };
  std::optional<Held> WaitUntilCancelled() {
    std::unique_lock<std::mutex> lock(mu_);
    cancelled_cv_.wait_for(lock, std::chrono::seconds(60), [this] { return held_.has_value(); });
    return held_;
  }

 private:
  grpc::Status Wait(grpc::ServerContext* context) {
    const Held held{context->deadline(), std::chrono::system_clock::now()};
    while (!context->IsCancelled()) std::this_thread::yield();
    std::lock_guard<std::mutex> lock(mu_);
    held_ = held;
    cancelled_cv_.notify_all();
    return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
  }

  std::mutex mu_;
  std::condition_variable cancelled_cv_;
  std::optional<Held> held_;
};

// A daemon on HOME/havend.sock: gRPC's server, every connection handed to
// it as havend's listener does.
class FakeDaemon {
 public:
  explicit FakeDaemon(const std::string& home) {
    grpc::ServerBuilder builder;
    builder.RegisterService(&admin_);
    builder.RegisterService(&journal);
    builder.SetMaxReceiveMessageSize(64 << 20);
    server_ = builder.BuildAndStart();
    listener_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, SocketPath(home).c_str(), sizeof(addr.sun_path) - 1);
    EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(listener_, 8), 0);
    acceptor_ = std::thread([this] {
      while (true) {
        int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) return;
        grpc::AddInsecureChannelFromFd(server_.get(), fd);
      }
    });
  }
  ~FakeDaemon() {
    shutdown(listener_, SHUT_RDWR);
    acceptor_.join();
    close(listener_);
    // At once: a connection that never sent a call would hold it up.
    server_->Shutdown(std::chrono::system_clock::now());
  }

  FakeJournal journal;

 private:
  FakeAdmin admin_;
  std::unique_ptr<grpc::Server> server_;
  int listener_;
  std::thread acceptor_;
};

class DaemonClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/haven_client_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    home_ = tmpl;
    daemon_ = std::make_unique<FakeDaemon>(home_);
    auto client = DaemonClient::Connect(home_, /*start=*/false);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::move(*client);
  }
  void TearDown() override {
    client_.reset();
    daemon_.reset();
    std::filesystem::remove_all(home_);
  }

  grpc::Status Show(const std::string& id, v1::ShowReply* reply,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds::zero()) {
    v1::ShowRequest request;
    request.set_id(id);
    return client_->Call(kJournalShow, request, reply, timeout);
  }

  std::string home_;
  std::unique_ptr<FakeDaemon> daemon_;
  std::unique_ptr<DaemonClient> client_;
};

TEST_F(DaemonClientTest, ACallGetsTheHandlersReply) {
  v1::StatusReply reply;
  grpc::Status status = client_->Call(kAdminStatus, v1::StatusRequest(), &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reply.pid(), kPid);
}

TEST_F(DaemonClientTest, AnErrorComesBackWithItsCodeMessageAndDetails) {
  v1::ShowReply reply;
  grpc::Status status = Show("refuse", &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "must be 0–10, got 12% too much");
  EXPECT_EQ(ViolatedField(FromGrpc(status)), "distress_before");
  EXPECT_TRUE(reply.entry_json().empty());
}

TEST_F(DaemonClientTest, RequestsAndRepliesOfSeveralMegabytesArriveWhole) {
  std::string id(1 << 20, 'x');
  for (size_t i = 0; i < id.size(); i += 4096) id[i] = static_cast<char>('a' + i / 4096 % 26);
  v1::ShowReply reply;
  grpc::Status status = Show(id, &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(reply.entry_json().size(), 10 * id.size());
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(reply.entry_json().compare(i * id.size(), id.size(), id), 0) << i;
  }
}

TEST_F(DaemonClientTest, ATimeoutEndsTheCallAndReachesTheDaemonAsItsDeadline) {
  v1::ShowReply reply;
  const auto start = std::chrono::system_clock::now();
  grpc::Status status = Show("wait", &reply, std::chrono::milliseconds(200));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  std::optional<FakeJournal::Held> held = daemon_->journal.WaitUntilCancelled();
  ASSERT_TRUE(held.has_value());
  // The handler's deadline is the client's: 200 ms from when the daemon
  // took the call, which is after the call started and before the
  // handler ran (grpc-timeout counts whole milliseconds).
  EXPECT_GE(held->deadline, start + std::chrono::milliseconds(199));
  EXPECT_LE(held->deadline, held->entered + std::chrono::milliseconds(201));
}

TEST_F(DaemonClientTest, OneClientMakesCallAfterCall) {
  for (int i = 0; i < 5; ++i) {
    v1::ShowReply reply;
    grpc::Status status = Show("call-" + std::to_string(i), &reply);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(reply.entry_json().substr(0, 6), "call-" + std::to_string(i));
  }
}

TEST_F(DaemonClientTest, AMethodTheDaemonDoesNotServeIsUnimplemented) {
  v1::NudgeReply reply;
  grpc::Status status = client_->Call(kPracticeNudge, v1::NudgeRequest(), &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << status.error_message();
}

TEST_F(DaemonClientTest, ADaemonThatIsGoneIsUnavailable) {
  daemon_.reset();
  v1::StatusReply reply;
  grpc::Status status = client_->Call(kAdminStatus, v1::StatusRequest(), &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

}  // namespace
}  // namespace haven::cli
