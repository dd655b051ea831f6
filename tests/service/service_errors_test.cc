// What the home's services answer when they cannot do what was asked: the
// domain's absl::Status reaches the client with the same code and message
// (common/status.h), so the CLI's one mapping of codes to exit codes
// (docs/commands.md, "Exit codes") holds for every command: no vault is
// FAILED_PRECONDITION (1), a locked vault UNAUTHENTICATED and a wrong
// passphrase PERMISSION_DENIED (3), an unknown entry or type NOT_FOUND (4),
// bad input INVALID_ARGUMENT (2), a vault that exists ALREADY_EXISTS (1).
#include <gmock/gmock.h>

#include "common/status.h"
#include "tests/service/service_test_support.h"

namespace haven {
namespace {

using ::testing::HasSubstr;

class ServiceErrorsTest : public testing::ServiceTest {
 protected:
  // Every Journal call that needs the journal, through the stub; each
  // status with the call's name.
  std::vector<std::pair<std::string, grpc::Status>> JournalCalls() {
    std::vector<std::pair<std::string, grpc::Status>> out;
    auto unary = [&](const char* name, auto call) {
      grpc::ClientContext context;
      out.emplace_back(name, call(&context));
    };
    unary("Log", [&](grpc::ClientContext* c) {
      v1::LogRequest req;
      req.set_type("checkin");
      v1::EntryReply reply;
      return journal_->Log(c, req, &reply);
    });
    unary("List", [&](grpc::ClientContext* c) {
      v1::ListReply reply;
      return journal_->List(c, v1::ListRequest(), &reply);
    });
    unary("Show", [&](grpc::ClientContext* c) {
      v1::ShowReply reply;
      return journal_->Show(c, v1::ShowRequest(), &reply);
    });
    unary("Stats", [&](grpc::ClientContext* c) {
      v1::StatsReply reply;
      return journal_->Stats(c, v1::StatsRequest(), &reply);
    });
    out.emplace_back("Export", Export(v1::ExportRequest()).status);
    v1::ImportReply imported;
    out.emplace_back("Import", Import("{}", false, &imported));
    unary("Doctor", [&](grpc::ClientContext* c) {
      v1::DoctorReply reply;
      return vault_stub_->Doctor(c, v1::DoctorRequest(), &reply);
    });
    return out;
  }
};

TEST_F(ServiceErrorsTest, NoVaultIsFailedPrecondition) {
  for (const auto& [name, s] : JournalCalls()) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << name;
    EXPECT_EQ(s.error_message(), "no vault in this home yet: run `haven init`") << name;
  }
  grpc::ServerContext context;
  v1::InfoReply info;
  v1::InfoRequest req;
  grpc::Status s = vault_service_->Info(&context, &req, &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(ServiceErrorsTest, ALockedVaultIsUnauthenticated) {
  InitVault();
  vault_->Lock();
  for (const auto& [name, s] : JournalCalls()) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << name;
    EXPECT_EQ(s.error_message(), "vault is locked") << name;
  }
  EXPECT_EQ(writes_, 0);
}

TEST_F(ServiceErrorsTest, UnlockingAgainServesTheJournal) {
  InitVault();
  grpc::ClientContext lock_context;
  v1::LockReply locked;
  ASSERT_TRUE(vault_stub_->Lock(&lock_context, v1::LockRequest(), &locked).ok());
  grpc::ClientContext context;
  v1::UnlockRequest req;
  req.set_passphrase(kPassphrase);
  v1::UnlockReply reply;
  ASSERT_TRUE(vault_stub_->Unlock(&context, req, &reply).ok());
  EXPECT_EQ(Listed(), 0u);
}

TEST_F(ServiceErrorsTest, AWrongPassphraseIsPermissionDenied) {
  InitVault();
  vault_->Lock();
  grpc::ClientContext context;
  v1::UnlockRequest req;
  req.set_passphrase("not-the-passphrase");
  v1::UnlockReply reply;
  grpc::Status s = vault_stub_->Unlock(&context, req, &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ServiceErrorsTest, InitTwiceIsAlreadyExistsAndAWeakPassphraseInvalid) {
  grpc::ClientContext weak_context;
  v1::InitRequest weak;
  weak.set_passphrase("password");
  weak.set_kdf("interactive");
  v1::InitReply reply;
  grpc::Status s = vault_stub_->Init(&weak_context, weak, &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_FALSE(vault_->exists());
  InitVault();
  grpc::ClientContext again_context;
  s = vault_stub_->Init(&again_context, weak, &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(ServiceErrorsTest, UnknownEntryAndTypeAreNotFound) {
  InitVault();
  grpc::ServerContext context;
  v1::ShowRequest show;
  show.set_id("0123456789abcdef01234567");
  v1::ShowReply shown;
  grpc::Status s = journal_service_->Show(&context, &show, &shown);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("no entry with id"));
  v1::TypesRequest types;
  types.set_type("nonesuch");
  v1::TypesReply listed;
  s = journal_service_->Types(&context, &types, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "no exercise type \"nonesuch\" (see `haven types`)");
}

TEST_F(ServiceErrorsTest, BadFieldsAreInvalidArgument) {
  InitVault();
  grpc::ServerContext context;
  v1::EntryReply reply;
  for (const char* fields : {"[1, 2]", "{\"mood\": 99}", "{\"mood\":", "{\"nonesuch\": 1}"}) {
    v1::LogRequest req;
    req.set_type("checkin");
    req.set_fields_json(fields);
    grpc::Status s = journal_service_->Log(&context, &req, &reply);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << fields;
  }
  EXPECT_EQ(writes_, 0);
}

TEST(StatusMappingTest, EveryCodeCrossesWithItsNumberAndMessage) {
  for (int code = 1; code <= 16; ++code) {
    const absl::Status s(static_cast<absl::StatusCode>(code), "why");
    const grpc::Status g = ToGrpc(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), code);
    EXPECT_EQ(g.error_message(), "why");
    EXPECT_EQ(FromGrpc(g), s);
  }
  EXPECT_TRUE(ToGrpc(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace haven
