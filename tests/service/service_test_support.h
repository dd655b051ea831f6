// The home's services as the daemon builds them (server/daemon/daemon.cc):
// a real store in a temporary home, the record log, the build tree's
// built-in types, the vault, a sync engine that is never started, and the
// Journal and Vault services, served in process (no socket, no port) so a
// test calls them through a stub as the CLI does, streams included.
#ifndef HAVEN_TESTS_SERVICE_SERVICE_TEST_SUPPORT_H_
#define HAVEN_TESTS_SERVICE_SERVICE_TEST_SUPPORT_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "haven/v1/daemon.grpc.pb.h"
#include "server/plugins/type_registry.h"
#include "server/service/journal_service.h"
#include "server/service/vault_service.h"
#include "server/store/record_log.h"
#include "server/store/store.h"
#include "server/sync/sync_engine.h"
#include "server/vault/vault.h"
#include "tests/store/temp_store.h"

namespace haven::testing {

class ServiceTest : public ::testing::Test {
 protected:
  static constexpr char kPassphrase[] = "quiet-lantern-marble-orbit-7";

  void SetUp() override {
    types_ = TypeRegistry::Create(
        RegistryOptions{{HAVEN_BUILTIN_NATIVE_DIR}, {HAVEN_BUILTIN_MANIFEST_DIR}});
    ASSERT_NE(types_->Find("checkin"), nullptr) << "built-in manifests not staged";
    absl::Status opened = OpenStoreAndLog(home_.Join("store"), &store_, &log_);
    ASSERT_TRUE(opened.ok()) << opened;
    vault_ = std::make_unique<Vault>(store_.get(), log_.get(), types_.get(), 0);
    sync_ = std::make_unique<SyncEngine>(store_.get(), log_.get(), vault_.get(), 0);
    journal_service_ = std::make_unique<JournalService>(
        vault_.get(), types_.get(), home_.Join("plugins"), home_.path(), [this] { ++writes_; });
    vault_service_ =
        std::make_unique<VaultService>(vault_.get(), log_.get(), sync_.get(), home_.path());
    grpc::ServerBuilder builder;
    builder.RegisterService(journal_service_.get());
    builder.RegisterService(vault_service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    auto channel = server_->InProcessChannel(grpc::ChannelArguments());
    journal_ = v1::Journal::NewStub(channel);
    vault_stub_ = v1::Vault::NewStub(channel);
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  // Creates the vault (unlocked), with the fastest key derivation profile.
  void InitVault() {
    auto init = vault_->Init(kPassphrase, "interactive");
    ASSERT_TRUE(init.ok()) << init.status();
  }

  // Logs a check-in through the service, or fails the test; its entry JSON.
  nlohmann::json LogCheckin(int mood, int64_t at_us) {
    grpc::ServerContext context;
    v1::LogRequest req;
    req.set_type("checkin");
    req.set_fields_json(nlohmann::json{{"mood", mood}}.dump());
    req.set_has_at(true);
    req.set_at_us(at_us);
    v1::EntryReply reply;
    grpc::Status s = journal_service_->Log(&context, &req, &reply);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return s.ok() ? nlohmann::json::parse(reply.entry_json()) : nlohmann::json();
  }

  // The whole of an export stream: its status, and its chunks' data.
  struct Streamed {
    grpc::Status status;
    std::vector<std::string> chunks;
    std::string Joined() const {
      std::string out;
      for (const std::string& c : chunks) out += c;
      return out;
    }
  };
  Streamed Export(const v1::ExportRequest& req) {
    grpc::ClientContext context;
    auto reader = journal_->Export(&context, req);
    Streamed out;
    v1::ExportChunk chunk;
    while (reader->Read(&chunk)) out.chunks.push_back(chunk.data());
    out.status = reader->Finish();
    return out;
  }

  // Streams `input` to Import in chunks of `chunk_bytes`.
  grpc::Status Import(const std::string& input, bool validate_only, v1::ImportReply* reply,
                      size_t chunk_bytes = 1 << 16) {
    grpc::ClientContext context;
    auto writer = journal_->Import(&context, reply);
    for (size_t at = 0; at < input.size() || at == 0; at += chunk_bytes) {
      v1::ImportChunk chunk;
      chunk.set_data(input.substr(at, chunk_bytes));
      chunk.set_validate_only(validate_only);
      if (!writer->Write(chunk)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  // How many live entries the journal lists.
  uint64_t Listed() {
    grpc::ClientContext context;
    v1::ListRequest req;
    v1::ListReply reply;
    grpc::Status s = journal_->List(&context, req, &reply);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return reply.total_matching();
  }

  TempDir home_;
  std::unique_ptr<TypeRegistry> types_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<RecordLog> log_;
  std::unique_ptr<Vault> vault_;
  std::unique_ptr<SyncEngine> sync_;
  std::atomic<int> writes_{0};  // on_write calls
  std::unique_ptr<JournalService> journal_service_;
  std::unique_ptr<VaultService> vault_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Journal::Stub> journal_;
  std::unique_ptr<v1::Vault::Stub> vault_stub_;
};

}  // namespace haven::testing

#endif  // HAVEN_TESTS_SERVICE_SERVICE_TEST_SUPPORT_H_
