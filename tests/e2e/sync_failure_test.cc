// Sync when something is wrong (docs/design.md, "Sync"): wrong Secret Key or
// passphrase on join, missing or wrong hub token, one vault reaching for
// another's records, a hub that serves a tampered record, a hub killed in
// the middle of a sync. TLS with and without the hub's CA is in
// sync_tls_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <set>
#include <string>

#include "tests/e2e/sync_harness.h"

namespace haven::e2e {
namespace {

using ::testing::HasSubstr;

// The same Secret Key with one character changed: well-formed, wrong.
std::string AlterSecretKey(std::string key) {
  char& c = key.back();
  c = c == '7' ? '8' : '7';
  return key;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class SyncFailureTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(hub_.Start()); }

  // A vault on d1_, registered on the hub with one entry.
  void Seed() {
    init_ = d1_.Init();
    ASSERT_TRUE(init_.is_object());
    first_ = d1_.Log({"checkin", "-f", "mood=7", "-f", "note=seed"});
    AddRemote(d1_, hub_);
    ASSERT_TRUE(SyncOk(d1_).is_object());
  }

  std::pair<std::string, std::string> TamperLastRecord();

  Hub hub_;
  TestHome d1_, d2_;
  nlohmann::json init_;
  std::string first_;
  std::string dev1_;
  int64_t head1_ = -1;
};

TEST_F(SyncFailureTest, JoinWithWrongSecretKeyExits3AndLeavesNoVault) {
  ASSERT_NO_FATAL_FAILURE(Seed());
  std::string wrong = AlterSecretKey(init_["secret_key"]);
  RunResult r = Join(d2_, hub_, init_["vault_id"], wrong);
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_EQ(r.ErrLines(), 1) << r;
  ExpectNoVault(d2_);
  // Nothing half-made stands in the way of the right credentials.
  RunResult ok = Join(d2_, hub_, init_["vault_id"], init_["secret_key"]);
  ASSERT_EQ(ok.exit_code, 0) << ok;
  EXPECT_THAT(Ids(SortedList(d2_)), ::testing::ElementsAre(first_));
}

TEST_F(SyncFailureTest, JoinWithWrongPassphraseExits3AndLeavesNoVault) {
  ASSERT_NO_FATAL_FAILURE(Seed());
  RunResult r = Join(d2_, hub_, init_["vault_id"], init_["secret_key"], {},
                     {{"HAVEN_PASSPHRASE", std::string("not-the-passphrase")}});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_EQ(r.ErrLines(), 1) << r;
  ExpectNoVault(d2_);
  RunResult ok = Join(d2_, hub_, init_["vault_id"], init_["secret_key"]);
  ASSERT_EQ(ok.exit_code, 0) << ok;
  EXPECT_THAT(Ids(SortedList(d2_)), ::testing::ElementsAre(first_));
}

TEST_F(SyncFailureTest, FirstSyncWithMissingOrWrongTokenExits5) {
  init_ = d1_.Init();
  ASSERT_TRUE(init_.is_object());
  d1_.Log({"checkin", "-f", "mood=2"});
  AddRemote(d1_, hub_, "nohub", {}, /*with_token=*/false);
  RunResult missing = Sync(d1_, "nohub");
  EXPECT_EQ(missing.exit_code, 5) << "first sync without a token" << missing;
  EXPECT_EQ(missing.ErrLines(), 1) << missing;
  AddRemote(d1_, hub_, "badhub", {"--token", "wrong-token"}, /*with_token=*/false);
  RunResult wrong = Sync(d1_, "badhub");
  EXPECT_EQ(wrong.exit_code, 5) << "first sync with a wrong token" << wrong;
  // Nothing was registered: no one can join the vault yet.
  RunResult join = Join(d2_, hub_, init_["vault_id"], init_["secret_key"]);
  EXPECT_NE(join.exit_code, 0) << "the hub registered a vault without the token" << join;
  ExpectNoVault(d2_);
  // The right token works.
  for (const char* name : {"nohub", "badhub"})
    ASSERT_EQ(d1_.Run({"remote", "rm", name}).exit_code, 0);
  AddRemote(d1_, hub_);
  ASSERT_TRUE(SyncOk(d1_, "hub").is_object());
  ASSERT_EQ(Join(d2_, hub_, init_["vault_id"], init_["secret_key"]).exit_code, 0);
  EXPECT_EQ(SortedList(d2_), SortedList(d1_));
}

TEST_F(SyncFailureTest, JoinWithMissingOrWrongTokenExits5) {
  ASSERT_NO_FATAL_FAILURE(Seed());
  RunResult missing = Join(d2_, hub_, init_["vault_id"], init_["secret_key"], {}, {},
                           /*with_token=*/false);
  EXPECT_EQ(missing.exit_code, 5) << missing;
  ExpectNoVault(d2_);
  RunResult wrong = Join(d2_, hub_, init_["vault_id"], init_["secret_key"],
                         {"--token", "wrong-token"}, {}, /*with_token=*/false);
  EXPECT_EQ(wrong.exit_code, 5) << wrong;
  ExpectNoVault(d2_);
}

TEST_F(SyncFailureTest, OneVaultCannotReadAnothersRecords) {
  ASSERT_NO_FATAL_FAILURE(Seed());  // vault A on d1_
  TestHome b1("passphrase-of-vault-b-lantern"), b2("passphrase-of-vault-b-lantern");
  nlohmann::json init_b = b1.Init();
  ASSERT_TRUE(init_b.is_object());
  std::string b_entry = b1.Log({"checkin", "-f", "mood=1", "-f", "note=vault b only"});
  AddRemote(b1, hub_);
  ASSERT_TRUE(SyncOk(b1).is_object());

  // Vault A's id with vault B's Secret Key and passphrase.
  TestHome intruder("passphrase-of-vault-b-lantern");
  RunResult cross = Join(intruder, hub_, init_["vault_id"], init_b["secret_key"]);
  EXPECT_EQ(cross.exit_code, 3) << "vault B's secrets opened vault A" << cross;
  ExpectNoVault(intruder);
  // Vault B's id with vault A's secrets.
  RunResult cross2 = Join(d2_, hub_, init_b["vault_id"], init_["secret_key"]);
  EXPECT_EQ(cross2.exit_code, 3) << "vault A's secrets opened vault B" << cross2;
  ExpectNoVault(d2_);

  // Each vault's own devices see only their own entries, after syncing
  // through the same hub.
  ASSERT_EQ(Join(b2, hub_, init_b["vault_id"], init_b["secret_key"]).exit_code, 0);
  d1_.Log({"mindfulness", "-f", "minutes=5"});
  ASSERT_TRUE(SyncOk(d1_).is_object());
  ASSERT_TRUE(SyncOk(b1).is_object());
  ASSERT_TRUE(SyncOk(b2).is_object());
  std::vector<std::string> a_ids = Ids(SortedList(d1_));
  EXPECT_EQ(a_ids.size(), 2u);
  EXPECT_THAT(a_ids, ::testing::Not(::testing::Contains(b_entry)));
  EXPECT_THAT(Ids(SortedList(b1)), ::testing::ElementsAre(b_entry));
  EXPECT_THAT(Ids(SortedList(b2)), ::testing::ElementsAre(b_entry));
  nlohmann::json info_b = VaultInfo(b2), info_a = VaultInfo(d1_);
  EXPECT_EQ(info_b.value("records", -1), VaultInfo(b1).value("records", -2)) << info_b.dump();
  for (const auto& [device, seq] : info_b["heads"].items()) {
    EXPECT_FALSE(info_a["heads"].contains(device))
        << "vault B holds a head of vault A's " << device;
  }
  DoctorClean(b2);
  DoctorClean(d1_);
}

// Device 1 logs two entries and pushes them; the hub, stopped, gets the
// last of them tampered and comes back. Device 2 is offline meanwhile.
// Returns {good id, bad id}; head1_ is device 1's head (the tampered seq).
std::pair<std::string, std::string> SyncFailureTest::TamperLastRecord() {
  std::string good = d1_.Log({"checkin", "-f", "mood=3", "-f", "note=good one"});
  std::string bad = d1_.Log({"checkin", "-f", "mood=4", "-f", "note=to be tampered"});
  EXPECT_TRUE(SyncOk(d1_).is_object());
  dev1_ = init_["device_id"];
  head1_ = VaultInfo(d1_)["heads"].value(dev1_, int64_t{-1});
  EXPECT_TRUE(hub_.Stop().has_value());
  std::string out;
  EXPECT_EQ(Shell(TamperToolBinary() + " " + hub_.store() + " " + dev1_, &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("tampered " + dev1_ + " " + std::to_string(head1_))) << out;
  EXPECT_TRUE(hub_.Start());
  return {good, bad};
}

TEST_F(SyncFailureTest, TamperedRecordFromHubIsRejectedAndGoodEntriesStay) {
  ASSERT_FALSE(TamperToolBinary().empty());
  ASSERT_NO_FATAL_FAILURE(Seed());
  ASSERT_EQ(Join(d2_, hub_, init_["vault_id"], init_["secret_key"]).exit_code, 0);
  // Device 2 is offline (and unlocked) until the record is tampered.
  Disconnect(d2_);
  ASSERT_EQ(d2_.Run({"unlock"}).exit_code, 0);
  auto [good, bad] = TamperLastRecord();
  if (HasFailure()) return;
  Reconnect(d2_, hub_);

  RunResult r = Sync(d2_);
  EXPECT_NE(r.exit_code, 0) << "a sync that rejected a record reported success" << r;
  EXPECT_LT(r.exit_code, 128) << "crashed" << r;
  EXPECT_EQ(r.ErrLines(), 1) << r;
  EXPECT_THAT(Lower(r.err), HasSubstr("reject")) << "the message does not name the rejection" << r;
  EXPECT_TRUE(hub_.Running()) << hub_.Output();
  EXPECT_TRUE(d2_.DaemonRunning()) << "device 2's daemon died";

  std::vector<std::string> ids = Ids(SortedList(d2_));
  EXPECT_THAT(ids, ::testing::Contains(first_));
  EXPECT_THAT(ids, ::testing::Contains(good)) << "a good record before the tampered one was lost";
  EXPECT_THAT(ids, ::testing::Not(::testing::Contains(bad)));
  EXPECT_EQ(Show(d2_, good)["fields"]["note"], "good one");
  EXPECT_EQ(VaultInfo(d2_)["heads"].value(dev1_, int64_t{-1}), head1_ - 1);
  DoctorClean(d2_);
  // Asking again rejects again; the record is never stored.
  RunResult again = Sync(d2_);
  EXPECT_NE(again.exit_code, 0) << again;
  EXPECT_EQ(VaultInfo(d2_)["heads"].value(dev1_, int64_t{-1}), head1_ - 1);
  // Device 1 still has the true record and is unaffected.
  EXPECT_EQ(Show(d1_, bad)["fields"]["note"], "to be tampered");
  DoctorClean(d1_);
}

// Sync moves ciphertext while the vault is locked (docs/design.md, "Sync"), but a record
// that does not open must still be rejected and reported, never kept.
TEST_F(SyncFailureTest, TamperedRecordPulledWhileLockedIsNotKept) {
  ASSERT_FALSE(TamperToolBinary().empty());
  ASSERT_NO_FATAL_FAILURE(Seed());
  ASSERT_EQ(Join(d2_, hub_, init_["vault_id"], init_["secret_key"]).exit_code, 0);
  Disconnect(d2_);
  ASSERT_EQ(d2_.Run({"lock"}).exit_code, 0);
  auto [good, bad] = TamperLastRecord();
  if (HasFailure()) return;
  Reconnect(d2_, hub_);
  RunResult locked = Sync(d2_);  // may or may not notice; it must not crash
  EXPECT_LT(locked.exit_code, 128) << locked;
  ASSERT_EQ(d2_.Run({"unlock"}).exit_code, 0);
  RunResult r = Sync(d2_);
  std::vector<std::string> ids = Ids(SortedList(d2_));
  EXPECT_THAT(ids, ::testing::Contains(good));
  EXPECT_THAT(ids, ::testing::Not(::testing::Contains(bad)));
  bool reported =
      (locked.exit_code != 0 && Lower(locked.err).find("reject") != std::string::npos) ||
      (r.exit_code != 0 && Lower(r.err).find("reject") != std::string::npos);
  EXPECT_TRUE(reported) << "the tampered record was never reported" << locked << r;
  EXPECT_EQ(VaultInfo(d2_)["heads"].value(dev1_, int64_t{-1}), head1_ - 1)
      << "the tampered record was stored (and now stands in for the true one for good)";
  DoctorClean(d2_);
}

// The hub's test-only fault injection (server/hub/hub_faults.h): the hub
// _exit()s, as kill -9 would, right after its Nth pushed or pulled batch.
constexpr char kExitAfterPushBatches[] = "HAVEN_FAULT_HUB_EXIT_AFTER_PUSH_BATCHES";
constexpr char kExitAfterPullBatches[] = "HAVEN_FAULT_HUB_EXIT_AFTER_PULL_BATCHES";
constexpr int kHubFaultExit = 86;  // kHubFaultExitCode

// Restarts the hub so that it dies after `batches` batches of `variable`.
void RestartHubWithFault(Hub& hub, const char* variable, int batches) {
  ASSERT_TRUE(hub.Stop().has_value());
  ASSERT_TRUE(hub.Start({{variable, std::to_string(batches)}}));
}

// A sync that the hub's injected death cut: the hub exited with the fault
// code, and `haven sync` said so in one line with exit 5.
void ExpectCutByTheFault(Hub& hub, const RunResult& sync) {
  std::optional<int> hub_exit = hub.WaitExit();
  ASSERT_TRUE(hub_exit.has_value()) << "the hub did not die at the injected fault";
  EXPECT_EQ(*hub_exit, kHubFaultExit) << hub.Output();
  EXPECT_EQ(sync.exit_code, 5) << "an interrupted sync must report the hub unreachable" << sync;
  EXPECT_EQ(sync.ErrLines(), 1) << sync;
}

// Device 1 pushes; the hub dies right after storing the second pushed
// batch, before it fsyncs or answers. Device 1 resumes and pushes the rest.
void PushThroughAHubThatDies(Hub& hub, const TestHome& d1, const std::string& dev1, int64_t head1,
                             int64_t total) {
  ASSERT_NO_FATAL_FAILURE(RestartHubWithFault(hub, kExitAfterPushBatches, 2));
  Reconnect(d1, hub);
  {
    RunResult push = Sync(d1);
    ASSERT_NO_FATAL_FAILURE(ExpectCutByTheFault(hub, push));
    std::string out;
    ASSERT_EQ(Shell(TamperToolBinary() + " --count " + hub.store() + " " + dev1, &out), 0) << out;
    int64_t stored = std::atoll(out.c_str());
    std::cout << "[ info ] hub held " << stored << " of " << head1
              << " records of device 1 when it died\n";
    EXPECT_LT(stored, head1) << "two batches of 512 cannot hold them all";
    EXPECT_GE(stored, 1) << "the hub lost what it held before the push";
  }
  ASSERT_TRUE(hub.Start());
  ASSERT_TRUE(SyncOk(d1).is_object());
  nlohmann::json again1 = SyncOk(d1);
  ASSERT_TRUE(again1.is_object());
  EXPECT_EQ(again1["pushed"], 0) << again1.dump();
  EXPECT_EQ(VaultInfo(d1).value("records", int64_t{-1}), total) << "device 1 lost records";
}

// Device 2 pulls; the hub dies right after writing the second pulled batch
// to it. Device 2 resumes and pulls the rest.
void PullThroughAHubThatDies(Hub& hub, const TestHome& d2, int64_t total) {
  ASSERT_NO_FATAL_FAILURE(RestartHubWithFault(hub, kExitAfterPullBatches, 2));
  Reconnect(d2, hub);
  {
    RunResult pull = Sync(d2);
    ASSERT_NO_FATAL_FAILURE(ExpectCutByTheFault(hub, pull));
    int64_t after_kill = d2.Records();
    std::cout << "[ info ] device 2 held " << after_kill << " of " << total
              << " records when the hub died\n";
    EXPECT_LT(after_kill, total) << "two batches of 512 cannot hold them all";
  }
  ASSERT_TRUE(hub.Start());
  ASSERT_TRUE(SyncOk(d2).is_object());
  nlohmann::json last = SyncOk(d2);
  ASSERT_TRUE(last.is_object());
  EXPECT_EQ(last["pulled"], 0) << last.dump();
}

// `entries` check-ins of about 1 KB each, as JSON Lines for `haven import`.
std::string BulkCheckins(int entries) {
  std::string jsonl;
  const std::string padding(1000, 'x');
  for (int i = 0; i < entries; ++i) {
    nlohmann::json e = {
        {"type", "checkin"},
        {"at", "2025-06-01T08:00:00Z"},
        {"tags", {"bulk"}},
        {"fields", {{"mood", i % 11}, {"note", "bulk " + std::to_string(i) + padding}}}};
    jsonl += e.dump() + "\n";
  }
  return jsonl;
}

// Device 1 pushes a few thousand entries and device 2 pulls them; the hub
// dies (fault injection, so for certain) in the middle of each stream, two
// batches in of six. Both resume; nothing is lost or duplicated.
TEST_F(SyncFailureTest, HubKilledMidStreamLosesAndDuplicatesNothing) {
  ASSERT_FALSE(TamperToolBinary().empty());
  ASSERT_NO_FATAL_FAILURE(Seed());
  ASSERT_EQ(Join(d2_, hub_, init_["vault_id"], init_["secret_key"]).exit_code, 0);
  // Device 1 takes device 2's enrolment now, so that the count below holds
  // it whether or not a background sync pulled it first; otherwise the
  // push's sync pulls it later and device 1 seems to have gained a record.
  ASSERT_TRUE(SyncOk(d1_).is_object());
  // Both devices offline while device 1 imports a few thousand entries.
  Disconnect(d1_);
  Disconnect(d2_);
  constexpr int kEntries = 3000;  // about six batches of 512 each way
  WriteFile(d1_.Scratch("bulk.jsonl"), BulkCheckins(kEntries));
  RunOptions long_run;
  long_run.timeout = Duration(90000);
  RunResult imported = d1_.RunWith({"import", d1_.Scratch("bulk.jsonl")}, long_run);
  ASSERT_EQ(imported.exit_code, 0) << imported;
  nlohmann::json info1 = VaultInfo(d1_);
  const std::string dev1 = init_["device_id"];
  const int64_t total = info1.value("records", int64_t{-1});
  const int64_t head1 = info1["heads"].value(dev1, int64_t{-1});
  ASSERT_GE(total, kEntries);
  // Not sync, but what the rest relies on: import made one entry per line.
  EXPECT_EQ(info1.value("entries", int64_t{-1}), kEntries + 1)
      << "import of " << kEntries << " lines made a different number of entries";

  ASSERT_NO_FATAL_FAILURE(PushThroughAHubThatDies(hub_, d1_, dev1, head1, total));
  Disconnect(d1_);
  ASSERT_NO_FATAL_FAILURE(PullThroughAHubThatDies(hub_, d2_, total));
  nlohmann::json info2 = VaultInfo(d2_);
  EXPECT_EQ(info2.value("records", int64_t{-1}), total) << info2.dump();
  EXPECT_EQ(info2["heads"], VaultInfo(d1_)["heads"]);
  EXPECT_EQ(info2.value("entries", int64_t{-1}), info1.value("entries", int64_t{-2}));
  // Nothing lost, nothing duplicated: device 2 shows exactly device 1's
  // entries, each id once.
  nlohmann::json list = SortedList(d2_);
  nlohmann::json list1 = SortedList(d1_);
  EXPECT_EQ(list.size(), list1.size());
  std::vector<std::string> ids = Ids(list);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "duplicated ids";
  EXPECT_TRUE(list1 == list) << "device 2's entries differ from device 1's";
  DoctorClean(d2_);
  DoctorClean(d1_);
}

}  // namespace
}  // namespace haven::e2e
