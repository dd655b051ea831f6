// What a hub refuses to hold (docs/design.md, "Hub limits"), seen from real
// devices: a different record in a slot that is taken, a vault past its
// quota (--max-vault-bytes), a vault past the hub's count (--max-vaults).
// Each refusal is one line naming the cause, `haven sync` exits 5, and what
// the hub held before stays.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "tests/e2e/sync_harness.h"

namespace haven::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// JSON Lines of `n` check-ins of about 1 KiB each.
std::string BulkCheckins(int n) {
  std::string jsonl;
  const std::string padding(1000, 'x');
  for (int i = 0; i < n; ++i) {
    nlohmann::json e = {
        {"type", "checkin"},
        {"at", "2025-06-01T08:00:00Z"},
        {"fields", {{"mood", i % 11}, {"note", "bulk " + std::to_string(i) + padding}}}};
    jsonl += e.dump() + "\n";
  }
  return jsonl;
}

class SyncLimitsTest : public ::testing::Test {
 protected:
  // A vault on `d` with one entry, synced to hub_; returns `init`'s JSON.
  nlohmann::json SeedVault(TestHome& d, std::string* entry) {
    nlohmann::json init = d.Init();
    EXPECT_TRUE(init.is_object());
    *entry = d.Log({"checkin", "-f", "mood=6", "-f", "note=fits"});
    AddRemote(d, hub_);
    EXPECT_TRUE(SyncOk(d).is_object());
    return init;
  }

  // How many records of `device` the hub's store holds (stops and restarts
  // the hub: the store is locked while it runs).
  int64_t HubRecordsOf(const std::string& device) {
    EXPECT_TRUE(hub_.Stop().has_value());
    std::string out;
    EXPECT_EQ(Shell(TamperToolBinary() + " --count " + hub_.store() + " " + device, &out), 0)
        << out;
    EXPECT_TRUE(hub_.Start());
    return std::atoll(out.c_str());
  }

  Hub hub_;
  TestHome d1_, d2_;
};

TEST_F(SyncLimitsTest, ADifferentRecordInATakenSlotIsRefusedLoggedAndNotStored) {
  ASSERT_FALSE(ForgePushToolBinary().empty());
  ASSERT_TRUE(hub_.Start());
  std::string first;
  nlohmann::json init = SeedVault(d1_, &first);
  ASSERT_FALSE(HasFailure());
  d1_.Log({"checkin", "-f", "mood=2", "-f", "note=second"});
  ASSERT_TRUE(SyncOk(d1_).is_object());
  const std::string dev1 = init["device_id"];
  const int64_t head1 = VaultInfo(d1_)["heads"].value(dev1, int64_t{-1});
  ASSERT_GT(head1, 1);

  // Another "device 1" (a restored copy of its home, say) pushes its own
  // record for a sequence number the hub already holds.
  // It logs in with device 1's own key, read from its stopped home.
  d1_.StopDaemon();
  std::string out;
  int code =
      Shell("HAVEN_PASSPHRASE='" + d1_.passphrase() + "' " + ForgePushToolBinary() + " " +
                hub_.address() + " " + hub_.token() + " " + init["vault_id"].get<std::string>() +
                " " + init["secret_key"].get<std::string>() + " " + dev1 + " " +
                std::to_string(head1) + " " + d1_.path() + "/store",
            &out);
  EXPECT_EQ(code, 5) << "the hub took a different record into a taken slot: " << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_THAT(out, HasSubstr("device " + dev1)) << out;
  EXPECT_THAT(out, HasSubstr("sequence " + std::to_string(head1))) << out;
  EXPECT_THAT(out, HasSubstr("different record")) << out;
  // Loudly, on the hub, naming vault, device and sequence.
  std::string log = hub_.Output();
  EXPECT_THAT(log,
              HasSubstr("level=error msg=\"push refused: a different record in a taken slot\""));
  EXPECT_THAT(log, HasSubstr("device=" + dev1));
  EXPECT_THAT(log, HasSubstr("seq=" + std::to_string(head1)));
  EXPECT_TRUE(hub_.Running());

  // The hub still holds device 1's true records: a new device opens all
  // of them, and device 1 has nothing to repair.
  EXPECT_EQ(HubRecordsOf(dev1), head1);
  ASSERT_EQ(Join(d2_, hub_, init["vault_id"], init["secret_key"]).exit_code, 0);
  EXPECT_EQ(SortedList(d2_), SortedList(d1_));
  nlohmann::json again = SyncOk(d1_);
  ASSERT_TRUE(again.is_object());
  EXPECT_EQ(again["pushed"], 0) << again.dump();
  // Device 2's first record is its Enrol membership record, written at its
  // join: the one record device 1 pulls, by this sync or by the background
  // sync its restarted daemon may have run first (the sync reports both).
  const nlohmann::json background = again.value("background", nlohmann::json::object());
  EXPECT_EQ(again.value("pulled", 0) + background.value("pulled", 0), 1) << again.dump();
  DoctorClean(d2_);
}

TEST_F(SyncLimitsTest, QuotaRefusesWhatDoesNotFitKeepsWhatDidAndSparesOtherVaults) {
  hub_.UseFlags({"--max-vault-bytes", "64K"});
  ASSERT_TRUE(hub_.Start());
  std::string first;
  nlohmann::json init = SeedVault(d1_, &first);
  ASSERT_FALSE(HasFailure());

  // About 200 KiB more: past the quota.
  WriteFile(d1_.Scratch("bulk.jsonl"), BulkCheckins(200));
  ASSERT_EQ(d1_.Run({"import", d1_.Scratch("bulk.jsonl")}).exit_code, 0);
  RunResult over = Sync(d1_);
  EXPECT_EQ(over.exit_code, 5) << over;
  EXPECT_EQ(over.ErrLines(), 1) << over;
  EXPECT_THAT(over.err, HasSubstr("quota of 64.0 KiB (--max-vault-bytes)")) << over;
  EXPECT_TRUE(hub_.Running()) << hub_.Output();
  // Asking again changes nothing and says the same.
  RunResult again = Sync(d1_);
  EXPECT_EQ(again.exit_code, 5) << again;
  EXPECT_THAT(again.err, HasSubstr("--max-vault-bytes")) << again;

  // What fit before is kept, and served.
  ASSERT_EQ(Join(d2_, hub_, init["vault_id"], init["secret_key"]).exit_code, 0);
  EXPECT_THAT(Ids(SortedList(d2_)), ::testing::ElementsAre(first));

  // Another vault on the same hub syncs as before.
  TestHome b1, b2;
  std::string b_entry;
  nlohmann::json init_b = SeedVault(b1, &b_entry);
  ASSERT_FALSE(HasFailure());
  ASSERT_EQ(Join(b2, hub_, init_b["vault_id"], init_b["secret_key"]).exit_code, 0);
  EXPECT_THAT(Ids(SortedList(b2)), ::testing::ElementsAre(b_entry));

  // The count survives a restart without growing or shrinking: vault A is
  // still over, vault B still fits.
  ASSERT_TRUE(hub_.Stop().has_value());
  ASSERT_TRUE(hub_.Start());
  EXPECT_EQ(Sync(d1_).exit_code, 5);
  b1.Log({"checkin", "-f", "mood=4"});
  EXPECT_TRUE(SyncOk(b1).is_object());
}

TEST_F(SyncLimitsTest, MaxVaultsRefusesTheNextRegistrationAndKeepsServingTheOthers) {
  hub_.UseFlags({"--max-vaults", "1"});
  ASSERT_TRUE(hub_.Start());
  std::string first;
  SeedVault(d1_, &first);
  ASSERT_FALSE(HasFailure());

  TestHome b1;
  ASSERT_TRUE(b1.Init().is_object());
  b1.Log({"checkin", "-f", "mood=1"});
  AddRemote(b1, hub_);
  RunResult refused = Sync(b1);
  EXPECT_EQ(refused.exit_code, 5) << refused;
  EXPECT_EQ(refused.ErrLines(), 1) << refused;
  EXPECT_THAT(refused.err, HasSubstr("as many vaults as it may (--max-vaults 1)")) << refused;

  // The count is the hub's, not the process's: a restart does not reset it.
  ASSERT_TRUE(hub_.Stop().has_value());
  ASSERT_TRUE(hub_.Start());
  RunResult still = Sync(b1);
  EXPECT_EQ(still.exit_code, 5) << still;
  EXPECT_THAT(still.err, HasSubstr("--max-vaults")) << still;
  // The vault it holds is served as before.
  d1_.Log({"checkin", "-f", "mood=9"});
  EXPECT_TRUE(SyncOk(d1_).is_object());
}

TEST(HubFlagsTest, ABadQuotaOrVaultCountIsAUsageErrorInOneLine) {
  Hub hub;  // only for its directory and token file
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"--max-vault-bytes", "1.5G"},
        {"--max-vault-bytes", "0"},
        {"--max-vault-bytes", "12Q"},
        {"--max-vaults", "0"},
        {"--max-vaults", "many"}}) {
    std::vector<std::string> args{
        "--home",       hub.home(),           "--hub", "--listen", hub.address(),
        "--token-file", hub.root() + "/token"};
    args.insert(args.end(), flags.begin(), flags.end());
    auto havend = DaemonProcess::Start(args);
    ASSERT_NE(havend, nullptr);
    std::optional<int> code = havend->WaitExit();
    ASSERT_TRUE(code.has_value()) << flags[0] << " " << flags[1] << " was accepted";
    EXPECT_EQ(*code, 2) << havend->Output();
    EXPECT_THAT(havend->Output(), HasSubstr(flags[0])) << havend->Output();
  }
}

}  // namespace
}  // namespace haven::e2e
