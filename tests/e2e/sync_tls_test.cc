// Sync over TLS (docs/design.md, "Sync"): a hub serving a certificate from
// a test CA; a remote or a join without that CA is refused (exit 5), with it
// entries flow both ways.
#include <gtest/gtest.h>

#include <string>

#include "tests/e2e/sync_harness.h"

namespace haven::e2e {
namespace {

// A CA and a hub certificate for 127.0.0.1 (IP SAN), made with openssl.
class SyncTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = hub_.root() + "/pki";
    std::string out;
    std::string cmd =
        "set -e; mkdir -p " + dir_ + "; cd " + dir_ +
        "; printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > ext.cnf"
        "; openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2"
        " -subj /CN=haven-test-ca -keyout ca.key -out ca.pem"
        "; openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
        " -subj /CN=127.0.0.1 -keyout hub.key -out hub.csr"
        "; openssl x509 -req -in hub.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2"
        " -extfile ext.cnf -out hub.pem";
    ASSERT_EQ(Shell(cmd, &out), 0) << out;
    hub_.UseTls(dir_ + "/hub.pem", dir_ + "/hub.key");
    ASSERT_TRUE(hub_.Start());
  }

  Hub hub_;
  std::string dir_;
  TestHome d1_, d2_;
};

TEST_F(SyncTlsTest, SyncWithTheHubsCaWorksWithoutItExits5) {
  nlohmann::json init = d1_.Init();
  ASSERT_TRUE(init.is_object());
  std::string id = d1_.Log({"checkin", "-f", "mood=8", "-f", "note=over tls"});

  // Without --ca (and not --insecure): the self-signed chain is not trusted.
  AddRemote(d1_, hub_, "untrusted");
  RunResult refused = Sync(d1_, "untrusted");
  EXPECT_EQ(refused.exit_code, 5) << refused;
  EXPECT_EQ(refused.ErrLines(), 1) << refused;

  AddRemote(d1_, hub_, "hub", {"--ca", dir_ + "/ca.pem"});
  ASSERT_TRUE(SyncOk(d1_, "hub").is_object());

  RunResult no_ca = Join(d2_, hub_, init["vault_id"], init["secret_key"]);
  EXPECT_EQ(no_ca.exit_code, 5) << "join over TLS without the CA" << no_ca;
  ExpectNoVault(d2_);
  RunResult join =
      Join(d2_, hub_, init["vault_id"], init["secret_key"], {"--ca", dir_ + "/ca.pem"});
  ASSERT_EQ(join.exit_code, 0) << join;
  EXPECT_EQ(Show(d2_, id)["fields"]["note"], "over tls");
  // And back, through the trusted remote.
  d2_.Log({"checkin", "-f", "mood=1"});
  ASSERT_TRUE(SyncOk(d2_).is_object());
  ASSERT_TRUE(SyncOk(d1_, "hub").is_object());
  EXPECT_EQ(SortedList(d1_), SortedList(d2_));
}

}  // namespace
}  // namespace haven::e2e
