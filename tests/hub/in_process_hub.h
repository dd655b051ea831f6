// A whole hub in the test's process: a RocksDB store in a temporary
// directory, its HubStorage, HubAuth with the limits a test chooses, and
// the Hub service on a free loopback port.
//
//   InProcessHub hub(limits);
//   ASSERT_TRUE(hub.Start());
//   HubEndpoint endpoint{"test", hub.address(), InProcessHub::kToken, "", false};
//
// A test that puts a service of its own in front of the hub's (to answer
// some calls itself and pass the rest on) calls Open, then Serve(front).
#ifndef HAVEN_TESTS_HUB_IN_PROCESS_HUB_H_
#define HAVEN_TESTS_HUB_IN_PROCESS_HUB_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "server/crypto/ids.h"
#include "server/hub/hub_id.h"
#include "server/hub/hub_service.h"
#include "tests/hub/loopback_hub.h"
#include "tests/store/temp_dir.h"

namespace haven::testing {

class InProcessHub {
 public:
  static constexpr char kToken[] = "hub-token";

  explicit InProcessHub(HubAuthLimits limits = {}, HubStorageLimits storage_limits = {})
      : auth_(kToken, RandomBytes(kHubIdBytes), limits), storage_limits_(storage_limits) {}
  ~InProcessHub() {
    if (service_) service_->Stop();  // ends open Watch streams first
    if (server_.server) server_.server->Shutdown();
  }

  // Opens the store and serves; false (with a test failure) when it cannot.
  bool Start() { return Open() && Serve(service_.get()); }

  // Opens the store, its storage and the hub service, without serving.
  bool Open() {
    auto store = Store::Open(dir_.Join("hub"));
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return false;
    store_ = std::move(*store);
    auto storage = NewRocksHubStorage(store_.get(), storage_limits_);
    EXPECT_TRUE(storage.ok()) << storage.status();
    if (!storage.ok()) return false;
    storage_ = std::move(*storage);
    service_ = std::make_unique<HubService>(storage_.get(), &auth_);
    return true;
  }

  // Serves `front` (which must outlive this hub) on a free loopback port.
  bool Serve(grpc::Service* front) {
    server_ = StartLoopbackHub(front);
    EXPECT_NE(server_.server, nullptr);
    return server_.server != nullptr;
  }

  const std::string& address() const { return server_.address; }
  const std::string& hub_id() const { return auth_.hub_id(); }
  HubService* service() const { return service_.get(); }
  HubStorage* storage() const { return storage_.get(); }

 private:
  TempDir dir_;
  HubAuth auth_;
  const HubStorageLimits storage_limits_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<HubStorage> storage_;
  std::unique_ptr<HubService> service_;
  LoopbackHub server_;
};

}  // namespace haven::testing

#endif  // HAVEN_TESTS_HUB_IN_PROCESS_HUB_H_
