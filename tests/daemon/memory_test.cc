// How havend gives memory back (server/daemon/memory.h): a locked vault
// drops the store's memtables, a big call only trims the heap, both off the
// caller's thread, and nothing after Stop. The releaser says what it did in
// a debug log line, which these tests read from a captured stderr.
#include "server/daemon/memory.h"

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "haven/v1/daemon.grpc.pb.h"
#include "server/util/log.h"
#include "tests/store/temp_dir.h"

namespace haven {
namespace {

namespace fs = std::filesystem;

class MemoryReleaserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(dir_ + "/store");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    // The releaser's debug lines go to a file instead of stderr.
    log_path_ = dir_ + "/stderr";
    int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    ASSERT_GE(log, 0);
    saved_stderr_ = dup(STDERR_FILENO);
    ASSERT_EQ(dup2(log, STDERR_FILENO), STDERR_FILENO);
    close(log);
    SetLogLevel("debug");
  }
  void TearDown() override {
    SetLogLevel("info");
    if (saved_stderr_ >= 0) {
      dup2(saved_stderr_, STDERR_FILENO);
      close(saved_stderr_);
    }
    store_.reset();
  }

  // The "memory released" lines logged so far.
  std::string Releases() const {
    std::ifstream in(log_path_);
    std::string line, found;
    while (std::getline(in, line)) {
      if (line.find("memory released") != std::string::npos) found += line + "\n";
    }
    return found;
  }
  // Waits (on the condition, not a clock) for the releaser's first
  // release, and says what it was after: "lock" or "call".
  std::string AwaitRelease() const {
    std::string lines;
    while ((lines = Releases()).empty()) std::this_thread::yield();
    for (const char* what : {"lock", "call"}) {
      const std::string word(what);
      if (lines.find("after=" + word) != std::string::npos ||
          lines.find("after=\"" + word + "\"") != std::string::npos) {
        return word;
      }
    }
    return lines;
  }
  void PutOne() { ASSERT_TRUE(store_->Put(Family::kMeta, "key", "value", false).ok()); }

  testing::TempDir tmp_;
  const std::string dir_ = tmp_.path();
  std::string log_path_;
  int saved_stderr_ = -1;
  std::unique_ptr<Store> store_;
};

TEST_F(MemoryReleaserTest, AfterLockWritesTheMemtablesOut) {
  PutOne();
  ASSERT_EQ(store_->TablesInLevel0(Family::kMeta), 0u) << "the write sits in a memtable";
  MemoryReleaser releaser(store_.get());
  releaser.AfterLock();
  ASSERT_EQ(AwaitRelease(), "lock");
  EXPECT_EQ(store_->TablesInLevel0(Family::kMeta), 1u) << "the memtable was flushed";
  auto value = store_->Get(Family::kMeta, "key");
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(value->value_or(""), "value") << "the write only moved";
}

TEST_F(MemoryReleaserTest, AfterBigCallLeavesTheStoreWarm) {
  PutOne();
  MemoryReleaser releaser(store_.get());
  releaser.AfterBigCall();
  ASSERT_EQ(AwaitRelease(), "call") << "a big call asked the store to release";
  EXPECT_EQ(store_->TablesInLevel0(Family::kMeta), 0u) << "the memtable stayed";
  EXPECT_NE(Releases().find("store_bytes=0"), std::string::npos) << Releases();
}

TEST_F(MemoryReleaserTest, NothingIsReleasedAfterStop) {
  PutOne();
  MemoryReleaser releaser(store_.get());
  releaser.Stop();
  releaser.AfterLock();  // on the caller's thread this would flush at once
  releaser.AfterBigCall();
  releaser.Stop();  // and Stop again (the destructor's) returns
  EXPECT_EQ(store_->TablesInLevel0(Family::kMeta), 0u);
  EXPECT_EQ(Releases(), "");
}

// Journal.Stats goes through the whole history; Admin.Status does not.
class FakeJournal : public v1::Journal::Service {
  grpc::Status Stats(grpc::ServerContext*, const v1::StatsRequest*, v1::StatsReply*) override {
    return grpc::Status::OK;
  }
};
class FakeAdmin : public v1::Admin::Service {
  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*, v1::StatusReply*) override {
    return grpc::Status::OK;
  }
};

// A server whose calls go through ReleaseAfterBigCalls(releaser).
struct Served {
  explicit Served(MemoryReleaser* releaser) {
    grpc::ServerBuilder builder;
    builder.RegisterService(&journal);
    builder.RegisterService(&admin);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
    factories.push_back(ReleaseAfterBigCalls(releaser));
    builder.experimental().SetInterceptorCreators(std::move(factories));
    server = builder.BuildAndStart();
    channel = server->InProcessChannel(grpc::ChannelArguments());
  }
  FakeJournal journal;
  FakeAdmin admin;
  std::unique_ptr<grpc::Server> server;
  std::shared_ptr<grpc::Channel> channel;
};

TEST_F(MemoryReleaserTest, ABigCallTrimsTheHeapWhenItEnds) {
  MemoryReleaser releaser(store_.get());
  Served served(&releaser);
  grpc::ClientContext context;
  v1::StatsReply reply;
  ASSERT_TRUE(v1::Journal::NewStub(served.channel)->Stats(&context, {}, &reply).ok());
  EXPECT_EQ(AwaitRelease(), "call");
  served.server->Shutdown();
}

// Shutdown returns once every call (and its interceptors) is gone; a lock
// afterwards is the first release there is.
TEST_F(MemoryReleaserTest, AnotherCallLeavesTheHeapAlone) {
  MemoryReleaser releaser(store_.get());
  Served served(&releaser);
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    v1::StatusReply reply;
    ASSERT_TRUE(v1::Admin::NewStub(served.channel)->Status(&context, {}, &reply).ok());
  }
  served.server->Shutdown();
  releaser.AfterLock();
  EXPECT_EQ(AwaitRelease(), "lock") << "a call not on the list asked for a release";
}

}  // namespace
}  // namespace haven
