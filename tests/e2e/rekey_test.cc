// Key epochs, passphrase and emergency kit end to end (docs/design.md,
// "Devices and key epochs"): `vault rekey` with and without a new Secret
// Key keeps every device working after its next sync and only the current
// secrets join; `passwd` on one device reaches the others and `join`; `vault
// kit` shows the secrets only for the right passphrase; and a revoke and a
// rekey made at once on two devices converge on one membership and one
// epoch, whose key the revoked device does not hold.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <string>

#include "tests/e2e/devices_harness.h"

namespace haven::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kNewPassphrase[] = "a-brand-new-passphrase-for-every-device";

// The Secret Key a command printed: its JSON "secret_key", else the first
// thing in its output shaped like one ("H1-XXXX-...").
std::string PrintedSecretKey(const RunResult& r) {
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("secret_key")) return j["secret_key"].get<std::string>();
  std::smatch m;
  static const std::regex kShape("[A-Z0-9]{2}(-[A-Z0-9]{4}){8}");
  return std::regex_search(r.out, m, kShape) ? m.str() : "";
}

bool IsRevoked(const nlohmann::json& members, const std::string& id) {
  for (const auto& d : members) {
    if (d.value("device_id", "") == id) return d.value("revoked", false);
  }
  return false;
}

class RekeyTest : public VaultOfThree {
 protected:
  // Every device logs an entry and syncs; all converge with `entries` more.
  void EveryDeviceKeepsWorking(size_t entries_before) {
    for (int i = 0; i < 3; ++i) d_[i].Log({"checkin", "-f", "mood=" + std::to_string(3 + i)});
    SyncAll();
    ExpectConverged({0, 1, 2});
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(SortedList(d_[i]).size(), entries_before + 3) << kNames[i];
      DoctorClean(d_[i]);
    }
  }

  // A fourth device joining with `secret_key` and `passphrase`.
  RunResult JoinWith(TestHome& d, const std::string& secret_key, const std::string& passphrase) {
    return Join(d, hub_, init_["vault_id"], secret_key, {"--device-name", "tablet"},
                {{"HAVEN_PASSPHRASE", passphrase}});
  }
};

TEST_F(RekeyTest, RekeyKeepsEveryDeviceWorking) {
  d_[0].Log({"mindfulness", "-f", "minutes=10"});
  SyncAll();
  std::optional<int64_t> before = Epoch(d_[0]);
  RunResult rekey = d_[1].Run({"vault", "rekey"});
  ASSERT_EQ(rekey.exit_code, 0) << rekey;
  SyncAll();
  if (before) {
    for (int i = 0; i < 3; ++i) EXPECT_EQ(Epoch(d_[i]), *before + 1) << kNames[i];
  }
  EveryDeviceKeepsWorking(1);
  // A device that locks unlocks again with the same secrets.
  ASSERT_EQ(d_[2].Run({"lock"}).exit_code, 0);
  RunResult list = d_[2].Run({"list", "--format", "json"});
  EXPECT_EQ(list.exit_code, 0) << list;
  TestHome late;
  EXPECT_EQ(JoinWith(late, init_["secret_key"], late.passphrase()).exit_code, 0);
  EXPECT_EQ(SortedList(late), SortedList(d_[0]));
}

TEST_F(RekeyTest, ANewSecretKeyReplacesTheOldOneEverywhere) {
  d_[0].Log({"mindfulness", "-f", "minutes=10"});
  SyncAll();
  RunResult rekey = d_[0].Run({"--format", "json", "vault", "rekey", "--new-secret-key"});
  ASSERT_EQ(rekey.exit_code, 0) << rekey;
  const std::string fresh = PrintedSecretKey(rekey);
  const std::string old = init_["secret_key"];
  ASSERT_FALSE(fresh.empty()) << "no new Secret Key printed: " << rekey;
  EXPECT_NE(fresh, old);
  SyncAll();
  EveryDeviceKeepsWorking(1);
  for (int i = 0; i < 3; ++i) {
    nlohmann::json kit = d_[i].Json({"vault", "kit"});
    EXPECT_EQ(kit.value("secret_key", ""), fresh) << kNames[i] << " kept the old Secret Key";
  }

  TestHome with_old;
  RunResult refused = JoinWith(with_old, old, with_old.passphrase());
  EXPECT_EQ(refused.exit_code, 3) << refused;
  ExpectNoVault(with_old);
  TestHome with_new;
  RunResult joined = JoinWith(with_new, fresh, with_new.passphrase());
  ASSERT_EQ(joined.exit_code, 0) << joined;
  EXPECT_EQ(SortedList(with_new), SortedList(d_[0]));
}

TEST_F(RekeyTest, ANewPassphraseReachesEveryDeviceAndJoin) {
  ASSERT_EQ(d_[2].Run({"list"}).exit_code, 0);  // the phone is unlocked
  RunResult passwd = d_[0].Run({"passwd"}, {{"HAVEN_NEW_PASSPHRASE", kNewPassphrase}});
  ASSERT_EQ(passwd.exit_code, 0) << passwd;
  SyncAll();

  // Unlocked before, unlocked after, with no passphrase given at all.
  RunResult still = d_[2].Run({"list", "--format", "json"}, {{"HAVEN_PASSPHRASE", std::nullopt}});
  EXPECT_EQ(still.exit_code, 0) << still;

  ASSERT_EQ(d_[1].Run({"lock"}).exit_code, 0);
  RunResult old = d_[1].Run({"list", "--format", "json"});  // the old passphrase
  EXPECT_EQ(old.exit_code, 3) << old;
  RunResult fresh = d_[1].Run({"list", "--format", "json"}, {{"HAVEN_PASSPHRASE", kNewPassphrase}});
  EXPECT_EQ(fresh.exit_code, 0) << fresh;

  TestHome with_old, with_new;
  RunResult refused = JoinWith(with_old, init_["secret_key"], kPassphrase);
  EXPECT_EQ(refused.exit_code, 3) << refused;
  ExpectNoVault(with_old);
  EXPECT_EQ(JoinWith(with_new, init_["secret_key"], kNewPassphrase).exit_code, 0);
}

TEST_F(RekeyTest, TheKitNeedsTheRightPassphrase) {
  RunResult kit = d_[1].Run({"--format", "json", "vault", "kit"});
  ASSERT_EQ(kit.exit_code, 0) << kit;
  nlohmann::json j = kit.JsonOut();
  EXPECT_EQ(j.value("vault_id", ""), init_["vault_id"]);
  EXPECT_EQ(j.value("secret_key", ""), init_["secret_key"]);
  ASSERT_TRUE(j.contains("remotes")) << j.dump();
  EXPECT_THAT(j["remotes"].dump(), HasSubstr(hub_.address()));

  const std::string secret = init_["secret_key"];
  std::string bare = secret;
  bare.erase(std::remove(bare.begin(), bare.end(), '-'), bare.end());
  for (const char* format : {"json", "table"}) {
    RunResult wrong = d_[1].Run({"--format", format, "vault", "kit"},
                                {{"HAVEN_PASSPHRASE", "not-the-passphrase-at-all-no"}});
    EXPECT_EQ(wrong.exit_code, 3) << wrong;
    for (const std::string& s : {secret, bare, secret.substr(3, 14)}) {
      EXPECT_THAT(wrong.out + wrong.err, Not(HasSubstr(s))) << format;
    }
  }
}

TEST_F(RekeyTest, ConcurrentRevokeAndRekeyConverge) {
  for (TestHome& d : d_) Disconnect(d);
  ASSERT_EQ(Revoke(d_[0], id_[2]).exit_code, 0);
  RunResult rekey = d_[1].Run({"vault", "rekey"});
  ASSERT_EQ(rekey.exit_code, 0) << rekey;

  // The phone sees the rekey (which still lists it) before the revocation.
  Reconnect(d_[1], hub_);
  ASSERT_TRUE(SyncOk(d_[1]).is_object());
  Reconnect(d_[2], hub_);
  ASSERT_TRUE(SyncOk(d_[2]).is_object());
  Disconnect(d_[2]);
  Reconnect(d_[0], hub_);
  SyncAll({0, 1});
  SyncAll({1, 0});

  ExpectConverged({0, 1});
  EXPECT_EQ(Epoch(d_[0]), Epoch(d_[1]));
  for (const auto& device : DeviceList(d_[1])) {
    EXPECT_EQ(device.value("revoked", false), device.value("device_id", "") == id_[2]);
  }
  for (int i : {0, 1}) d_[i].Log({"checkin", "-f", "mood=" + std::to_string(6 + i)});
  SyncAll({0, 1});
  ExpectConverged({0, 1});
  Reconnect(d_[2], hub_);
  EXPECT_EQ(Sync(d_[2]).exit_code, 5);

  // The epoch everyone writes in now is one the phone never held.
  for (TestHome& d : d_) d.StopDaemon();
  ASSERT_TRUE(hub_.Stop().has_value());
  nlohmann::json opened = RawRecordTool({"open-with-home", hub_.store(), d_[2].path() + "/store"},
                                        {{"HAVEN_PASSPHRASE", d_[2].passphrase()}});
  ASSERT_TRUE(opened.is_object() && opened["epochs"].is_object());
  int64_t newest = -1;
  for (const auto& [epoch, counts] : opened["epochs"].items()) {
    newest = std::max<int64_t>(newest, std::stoll(epoch));
  }
  nlohmann::json last = opened["epochs"][std::to_string(newest)];
  EXPECT_GE(newest, 1) << opened.dump();
  EXPECT_GE(last.value("records", 0), 2) << opened.dump();
  EXPECT_EQ(last.value("opened", -1), 0) << "the revoked phone opens epoch " << newest;
}

// Revoke, rekey and passwd check the passphrase first: a wrong one is exit
// 3 and changes nothing anywhere.
TEST_F(RekeyTest, AWrongPassphraseChangesNothing) {
  const nlohmann::json members = Membership(d_[0]);
  const std::optional<int64_t> epoch = Epoch(d_[0]);
  const EnvOverrides wrong{{"HAVEN_PASSPHRASE", "surely-not-the-passphrase-here"},
                           {"HAVEN_NEW_PASSPHRASE", kNewPassphrase}};
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"device", "revoke", id_[2]},
                                             {"vault", "rekey"},
                                             {"vault", "rekey", "--new-secret-key"},
                                             {"passwd"}}) {
    RunResult r = d_[0].Run(args, wrong);
    EXPECT_EQ(r.exit_code, 3) << r;
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(init_["secret_key"].get<std::string>()))) << r;
  }
  SyncAll();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Membership(d_[i]), members) << kNames[i];
    EXPECT_EQ(Epoch(d_[i]), epoch) << kNames[i];
  }
  ASSERT_EQ(d_[1].Run({"lock"}).exit_code, 0);
  EXPECT_EQ(d_[1].Run({"list"}).exit_code, 0) << "the old passphrase stopped working";
}

// `passwd` reads the new passphrase from HAVEN_NEW_PASSPHRASE_FILE too.
TEST_F(RekeyTest, PasswdReadsTheNewPassphraseFromAFile) {
  const std::string file = d_[0].Scratch("new-passphrase");
  WriteFile(file, std::string(kNewPassphrase) + "\n");
  RunResult passwd = d_[0].Run({"passwd"}, {{"HAVEN_NEW_PASSPHRASE_FILE", file}});
  ASSERT_EQ(passwd.exit_code, 0) << passwd;
  ASSERT_EQ(d_[0].Run({"lock"}).exit_code, 0);
  EXPECT_EQ(d_[0].Run({"list"}).exit_code, 3);
  EXPECT_EQ(d_[0].Run({"list"}, {{"HAVEN_PASSPHRASE", kNewPassphrase}}).exit_code, 0);
}

// Two devices that revoke each other at once: one revocation wins on every
// device, the other (beyond its revoked writer's cut) is ignored.
TEST_F(RekeyTest, MutualRevocationsLeaveExactlyOneRevoked) {
  Disconnect(d_[0]);
  Disconnect(d_[1]);
  ASSERT_EQ(Revoke(d_[0], id_[1]).exit_code, 0);
  ASSERT_EQ(Revoke(d_[1], id_[0]).exit_code, 0);
  Reconnect(d_[0], hub_);
  Reconnect(d_[1], hub_);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 3; ++i) Sync(d_[i]);  // the loser's may be refused already
  }
  const nlohmann::json members = Membership(d_[2]);
  int revoked = 0;
  for (const auto& device : members) revoked += device.value("revoked", false) ? 1 : 0;
  EXPECT_EQ(revoked, 1) << members.dump(1);
  const int loser = IsRevoked(members, id_[0]) ? 0 : 1, winner = 1 - loser;
  EXPECT_TRUE(IsRevoked(members, id_[loser]));
  EXPECT_EQ(Sync(d_[loser]).exit_code, 5) << kNames[loser] << " still syncs";
  SyncAll({winner, 2});
  EXPECT_EQ(Membership(d_[winner]), members);
  ExpectConverged({winner, 2});
  d_[winner].Log({"checkin", "-f", "mood=5"});
  SyncAll({winner, 2});
  ExpectConverged({winner, 2});
}

// A device joins while the laptop, which has not seen it yet, rekeys: the
// rotation closes the epoch the tablet enrolled under, so its enrolment
// has no effect. At its next sync the tablet enrols again under the new
// epoch, and what it wrote in between reaches every device.
TEST_F(RekeyTest, AJoinRacingARekeyEnrolsAgainAndKeepsItsEntries) {
  Disconnect(d_[0]);
  TestHome tablet;
  ASSERT_EQ(JoinWith(tablet, init_["secret_key"], tablet.passphrase()).exit_code, 0);
  tablet.Log({"checkin", "-f", "mood=4", "-f", "note=written before the rekey was seen"});
  ASSERT_TRUE(SyncOk(tablet).is_object());
  RunResult rekey = d_[0].Run({"vault", "rekey"});
  ASSERT_EQ(rekey.exit_code, 0) << rekey;
  Reconnect(d_[0], hub_);
  ASSERT_TRUE(SyncOk(d_[0]).is_object());

  RunResult again = Sync(tablet);
  ASSERT_EQ(again.exit_code, 0) << again;
  SyncAll();
  ASSERT_TRUE(SyncOk(tablet).is_object());
  SyncAll();
  ExpectConverged({0, 1, 2});
  EXPECT_EQ(SortedList(tablet), SortedList(d_[0]));
  EXPECT_EQ(SortedList(d_[0]).size(), 1u);
  const nlohmann::json members = Membership(d_[0]);
  EXPECT_EQ(members.size(), 4u) << members.dump(1);
  for (const auto& device : members) EXPECT_FALSE(device.value("revoked", true)) << members.dump(1);
  EXPECT_EQ(Membership(tablet), members);
  DoctorClean(d_[0]);
  DoctorClean(tablet);
}

}  // namespace
}  // namespace haven::e2e
