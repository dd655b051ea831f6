// A whole hub in the test's process: a RocksDB store in a temporary
// directory, its HubStorage, HubAuth with the limits a test chooses, and
// the Hub service on a free loopback port.
//
//   InProcessHub hub(limits);
//   ASSERT_TRUE(hub.Start());
//   HubEndpoint endpoint{"test", hub.address(), InProcessHub::kToken, "", false};
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

  explicit InProcessHub(HubAuthLimits limits = {})
      : auth_(kToken, RandomBytes(kHubIdBytes), limits) {}
  ~InProcessHub() {
    if (service_) service_->Stop();  // ends open Watch streams first
    if (server_.server) server_.server->Shutdown();
  }

  // Opens the store and serves; false (with a test failure) when it cannot.
  bool Start() {
    auto store = Store::Open(dir_.Join("hub"));
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return false;
    store_ = std::move(*store);
    auto storage = NewRocksHubStorage(store_.get());
    EXPECT_TRUE(storage.ok()) << storage.status();
    if (!storage.ok()) return false;
    storage_ = std::move(*storage);
    service_ = std::make_unique<HubService>(storage_.get(), &auth_);
    server_ = StartLoopbackHub(service_.get());
    EXPECT_NE(server_.server, nullptr);
    return server_.server != nullptr;
  }

  const std::string& address() const { return server_.address; }

 private:
  TempDir dir_;
  HubAuth auth_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<HubStorage> storage_;
  std::unique_ptr<HubService> service_;
  LoopbackHub server_;
};

}  // namespace haven::testing

#endif  // HAVEN_TESTS_HUB_IN_PROCESS_HUB_H_
