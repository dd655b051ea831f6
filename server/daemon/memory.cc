#include "server/daemon/memory.h"

#include <array>
#include <chrono>
#include <optional>
#include <string_view>

#include "server/daemon/heap.h"
#include "server/util/log.h"

namespace haven {
namespace {

constexpr std::array<std::string_view, 10> kBigCalls = {
    "/haven.v1.Journal/Import", "/haven.v1.Journal/Export", "/haven.v1.Journal/Stats",
    "/haven.v1.Journal/List",   "/haven.v1.Vault/Unlock",   "/haven.v1.Vault/Sync",
    "/haven.v1.Vault/Join",     "/haven.v1.Vault/Doctor",   "/haven.v1.Hub/Push",
    "/haven.v1.Hub/Pull",
};

// Lives as long as one big call; the call is over when it goes.
class ReleaseWhenDone : public grpc::experimental::Interceptor {
 public:
  explicit ReleaseWhenDone(MemoryReleaser* releaser) : releaser_(releaser) {}
  ~ReleaseWhenDone() override { releaser_->AfterBigCall(); }
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    methods->Proceed();
  }

 private:
  MemoryReleaser* releaser_;
};

class ReleaseWhenDoneFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ReleaseWhenDoneFactory(MemoryReleaser* releaser) : releaser_(releaser) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    if (info->method() == nullptr || !IsBigCall(info->method())) return nullptr;
    return new ReleaseWhenDone(releaser_);  // gRPC owns it
  }

 private:
  MemoryReleaser* releaser_;
};

}  // namespace

bool IsBigCall(std::string_view method) {
  for (std::string_view big : kBigCalls) {
    if (method == big) return true;
  }
  return false;
}

MemoryReleaser::MemoryReleaser(Store* store) : store_(store) {
  thread_ = std::thread([this] { Run(); });
}

MemoryReleaser::~MemoryReleaser() { Stop(); }

void MemoryReleaser::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void MemoryReleaser::AfterLock() {
  {
    absl::MutexLock lock(&mu_);
    release_store_ = true;
    trim_heap_ = true;
  }
}

void MemoryReleaser::AfterBigCall() {
  {
    absl::MutexLock lock(&mu_);
    trim_heap_ = true;
  }
}

void MemoryReleaser::Run() {
  while (true) {
    bool release_store;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &MemoryReleaser::HasWork));
      if (stopping_) return;
      release_store = release_store_;
      release_store_ = trim_heap_ = false;
    }
    auto start = std::chrono::steady_clock::now();
    uint64_t store_bytes = release_store ? store_->ReleaseMemory() : 0;
    // The index was freed before the lock called: its heap goes back whole.
    std::optional<size_t> index_left = release_store ? ReleaseIndexHeap() : std::nullopt;
    ReturnFreeHeapPages();
    auto took = std::chrono::steady_clock::now() - start;
    Log(LogLevel::kDebug, "memory released",
        {{"after", release_store ? "lock" : "call"},
         {"store_bytes", std::to_string(store_bytes)},
         {"index_heap_left", index_left ? std::to_string(*index_left) : "none"},
         {"us",
          std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(took).count())}});
  }
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> ReleaseAfterBigCalls(
    MemoryReleaser* releaser) {
  return std::make_unique<ReleaseWhenDoneFactory>(releaser);
}

}  // namespace haven
