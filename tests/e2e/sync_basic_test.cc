// Sync between devices through a real hub (docs/design.md, "Sync"): first sync,
// join, edits and deletes both ways, concurrent edits, delete vs edit,
// restore, idempotent re-sync, and a hub that never sees plaintext.
//
// "Concurrent" edits are made while both devices are offline (their remote
// removed, so no background sync or watch runs), so that neither can have
// seen the other's edit; they reconnect afterwards. The assertions are on
// final states after explicit syncs by every device.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/e2e/sync_harness.h"

namespace haven::e2e {
namespace {

using ::testing::Contains;
using ::testing::Not;

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(hub_.Start()); }

  // d1_ with a vault and the hub as remote (synced once), d2_ joined.
  void Pair() {
    init_ = d1_.Init();
    ASSERT_TRUE(init_.is_object());
    AddRemote(d1_, hub_);
    ASSERT_TRUE(SyncOk(d1_).is_object());
    RunResult join = Join(d2_, hub_, init_["vault_id"], init_["secret_key"]);
    ASSERT_EQ(join.exit_code, 0) << join << "\nhub:\n" << hub_.Output();
  }

  // Every device syncs; then again so each has what the others pushed.
  void SyncAll() {
    for (int round = 0; round < 2; ++round) {
      ASSERT_TRUE(SyncOk(d1_).is_object());
      ASSERT_TRUE(SyncOk(d2_).is_object());
    }
  }

  void GoOffline() {
    Disconnect(d1_);
    Disconnect(d2_);
  }
  void GoOnline() {
    Reconnect(d1_, hub_);
    Reconnect(d2_, hub_);
  }

  std::string Edit(const TestHome& d, const std::string& id, const std::vector<std::string>& fs) {
    std::vector<std::string> args{"edit", id};
    args.insert(args.end(), fs.begin(), fs.end());
    RunResult r = d.Run(args);
    EXPECT_EQ(r.exit_code, 0) << r;
    return r.out;
  }

  void ExpectSameViews() {
    nlohmann::json v1 = FullView(d1_), v2 = FullView(d2_);
    EXPECT_EQ(v1, v2) << "device 1:\n" << v1.dump(1) << "\ndevice 2:\n" << v2.dump(1);
  }

  Hub hub_;
  TestHome d1_, d2_;
  nlohmann::json init_;
};

TEST_F(SyncTest, FirstSyncAndJoinCopyEveryEntryWithIdenticalFields) {
  init_ = d1_.Init();
  ASSERT_TRUE(init_.is_object());
  std::string a = d1_.Log({"mindfulness", "-f", "minutes=12", "-f", "practice=body-scan", "-f",
                           "noticed=first sit\nsecond line", "--tag", "morning", "--at",
                           "2026-01-02T08:30:00+01:00"});
  std::string b = d1_.Log({"checkin", "-f", "mood=6", "--tag", "evening"});
  std::string c = d1_.Log({"mindfulness", "--json", R"({"minutes": 7.5, "judgment_before": 3})"});
  AddRemote(d1_, hub_);
  nlohmann::json first = SyncOk(d1_);
  ASSERT_TRUE(first.is_object());
  // (The daemon may already have pushed in the background: no count here.)
  EXPECT_EQ(first["pulled"], 0) << first.dump();

  RunResult join = Join(d2_, hub_, init_["vault_id"], init_["secret_key"]);
  ASSERT_EQ(join.exit_code, 0) << join;
  nlohmann::json joined = join.JsonOut();
  EXPECT_EQ(joined.value("vault_id", ""), init_["vault_id"]) << join;
  EXPECT_NE(joined.value("device_id", ""), init_["device_id"])
      << "a joined device needs its own id";

  nlohmann::json l1 = SortedList(d1_), l2 = SortedList(d2_);
  ASSERT_EQ(l1.size(), 3u) << l1.dump(1);
  EXPECT_EQ(l1, l2) << "device 2 does not show device 1's entries as they are";
  EXPECT_EQ(Show(d2_, a)["fields"]["noticed"], "first sit\nsecond line");
  EXPECT_EQ(Show(d2_, c)["fields"]["minutes"], 7.5);
  EXPECT_EQ(Show(d2_, b), Show(d1_, b));

  nlohmann::json info1 = VaultInfo(d1_), info2 = VaultInfo(d2_);
  EXPECT_EQ(info2.value("vault_id", ""), init_["vault_id"]);
  EXPECT_EQ(info2.value("entries", -1), 3) << info2.dump();
  EXPECT_EQ(info2.value("records", -1), info1.value("records", -2))
      << "device 2 lacks records of device 1\n"
      << info1.dump() << "\n"
      << info2.dump();
  std::string dev1 = init_["device_id"];
  ASSERT_TRUE(info2.contains("heads")) << info2.dump();
  EXPECT_EQ(info2["heads"].value(dev1, -1), info1["heads"].value(dev1, -2))
      << "device 2's head for device 1 differs from device 1's own\n"
      << info1.dump() << "\n"
      << info2.dump();
  DoctorClean(d2_);
}

TEST_F(SyncTest, EditsAndDeletesFlowInBothDirections) {
  ASSERT_NO_FATAL_FAILURE(Pair());
  std::string a = d1_.Log({"mindfulness", "-f", "minutes=10", "-f", "practice=breathing"});
  std::string b = d1_.Log({"checkin", "-f", "mood=4"});
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  ASSERT_EQ(SortedList(d2_).size(), 2u);

  // Device 2 -> device 1: an edit and a delete.
  Edit(d2_, a, {"-f", "minutes=25"});
  ASSERT_EQ(d2_.Run({"rm", b}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  EXPECT_EQ(Show(d1_, a)["fields"]["minutes"], 25) << "device 2's edit did not reach device 1";
  EXPECT_EQ(Show(d1_, a)["fields"]["practice"], "breathing");
  EXPECT_THAT(Ids(SortedList(d1_)), Not(Contains(b))) << "device 2's delete did not reach device 1";

  // Device 1 -> device 2: an edit, a new entry and a delete.
  Edit(d1_, a, {"-f", "practice=open-awareness"});
  std::string c = d1_.Log({"checkin", "-f", "mood=9"});
  ASSERT_EQ(d1_.Run({"rm", a}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  std::vector<std::string> ids2 = Ids(SortedList(d2_));
  EXPECT_THAT(ids2, Not(Contains(a))) << "device 1's delete did not reach device 2";
  EXPECT_THAT(ids2, Contains(c));
  EXPECT_EQ(d2_.Run({"restore", a}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  nlohmann::json back = Show(d1_, a);
  EXPECT_EQ(back["fields"]["practice"], "open-awareness") << back.dump();
  EXPECT_EQ(back["fields"]["minutes"], 25) << back.dump();
  ExpectSameViews();
}

TEST_F(SyncTest, ConcurrentEditsOfDifferentFieldsBothSurvive) {
  ASSERT_NO_FATAL_FAILURE(Pair());
  std::string a = d1_.Log(
      {"mindfulness", "-f", "minutes=10", "-f", "practice=breathing", "-f", "judgment_before=5"});
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  GoOffline();
  Edit(d1_, a, {"-f", "minutes=30"});
  Edit(d2_, a, {"-f", "practice=body-scan", "-f", "judgment_before=2"});
  GoOnline();
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  for (const TestHome* d : {&d1_, &d2_}) {
    nlohmann::json e = Show(*d, a);
    EXPECT_EQ(e["fields"]["minutes"], 30)
        << "an edit was lost on " << d->path() << ": " << e.dump();
    EXPECT_EQ(e["fields"]["practice"], "body-scan") << d->path() << ": " << e.dump();
    EXPECT_EQ(e["fields"]["judgment_before"], 2) << d->path() << ": " << e.dump();
  }
  ExpectSameViews();
}

TEST_F(SyncTest, ConcurrentEditsOfSameFieldPickOneWinnerEverywhereAndKeepHistory) {
  ASSERT_NO_FATAL_FAILURE(Pair());
  std::string a = d1_.Log({"mindfulness", "-f", "minutes=10"});
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  GoOffline();
  Edit(d1_, a, {"-f", "minutes=31"});
  Edit(d2_, a, {"-f", "minutes=32"});  // later on the same clock: the last writer
  // Device 2 (the last writer) pushes first and device 1 last, so "last to
  // push" and "last writer" differ.
  Reconnect(d2_, hub_);
  ASSERT_TRUE(SyncOk(d2_).is_object());
  Reconnect(d1_, hub_);
  ASSERT_TRUE(SyncOk(d1_).is_object());
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  nlohmann::json e1 = Show(d1_, a), e2 = Show(d2_, a);
  EXPECT_EQ(e1, e2) << "devices disagree on the winner";
  EXPECT_EQ(e1["fields"]["minutes"], 32) << "the later edit (by HLC) should win: " << e1.dump();
  for (const TestHome* d : {&d1_, &d2_}) {
    nlohmann::json h = Show(*d, a, /*history=*/true);
    ASSERT_TRUE(h.contains("history")) << h.dump();
    std::string dump = h["history"].dump();
    EXPECT_NE(dump.find("31"), std::string::npos)
        << "losing version gone on " << d->path() << ": " << dump;
    EXPECT_NE(dump.find("32"), std::string::npos) << d->path() << ": " << dump;
    EXPECT_NE(dump.find("10"), std::string::npos) << d->path() << ": " << dump;
  }
  ExpectSameViews();
}

TEST_F(SyncTest, DeleteConcurrentWithEditKeepsTheEntryAndALaterDeleteWins) {
  ASSERT_NO_FATAL_FAILURE(Pair());
  std::string a = d1_.Log({"mindfulness", "-f", "minutes=10"});
  std::string b = d1_.Log({"checkin", "-f", "mood=3"});
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  GoOffline();
  ASSERT_EQ(d1_.Run({"rm", a}).exit_code, 0);
  Edit(d2_, a, {"-f", "minutes=44"});
  GoOnline();
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  for (const TestHome* d : {&d1_, &d2_}) {
    EXPECT_THAT(Ids(SortedList(*d)), Contains(a))
        << "an edit made without seeing the delete was lost on " << d->path();
    RunResult show = d->Run({"--format", "json", "show", a});
    ASSERT_EQ(show.exit_code, 0) << show;
    EXPECT_EQ(show.JsonOut()["fields"]["minutes"], 44) << show;
  }
  ExpectSameViews();

  // A delete that has seen the edit removes the entry everywhere.
  ASSERT_EQ(d1_.Run({"rm", a}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  EXPECT_THAT(Ids(SortedList(d2_)), Not(Contains(a)));
  EXPECT_THAT(Ids(SortedList(d2_)), Contains(b));
  ExpectSameViews();
}

TEST_F(SyncTest, RestoreOnOneDeviceBringsTheEntryBackEverywhere) {
  ASSERT_NO_FATAL_FAILURE(Pair());
  std::string a = d1_.Log({"mindfulness", "-f", "minutes=15", "-f", "noticed=quiet"});
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  ASSERT_EQ(d1_.Run({"rm", a}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  ASSERT_THAT(Ids(SortedList(d2_)), Not(Contains(a)));
  RunResult restore = d2_.Run({"restore", a});
  ASSERT_EQ(restore.exit_code, 0) << "restore of an entry deleted on another device" << restore;
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  nlohmann::json e = Show(d1_, a);
  EXPECT_EQ(e["fields"]["minutes"], 15) << e.dump();
  EXPECT_EQ(e["fields"]["noticed"], "quiet") << e.dump();
  ExpectSameViews();
}

TEST_F(SyncTest, SecondSyncMovesNothingAndChangesNoCounts) {
  ASSERT_NO_FATAL_FAILURE(Pair());
  for (int i = 1; i <= 5; ++i) d1_.Log({"checkin", "-f", "mood=" + std::to_string(i)});
  d2_.Log({"mindfulness", "-f", "minutes=3"});
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  for (const TestHome* d : {&d1_, &d2_}) {
    nlohmann::json before = VaultInfo(*d);
    nlohmann::json again = SyncOk(*d);
    ASSERT_TRUE(again.is_object());
    EXPECT_EQ(again["pushed"], 0) << d->path() << " re-pushed: " << again.dump();
    EXPECT_EQ(again["pulled"], 0) << d->path() << " re-pulled: " << again.dump();
    nlohmann::json after = VaultInfo(*d);
    EXPECT_EQ(after.value("records", -1), before.value("records", -2));
    EXPECT_EQ(after.value("entries", -1), before.value("entries", -2));
    EXPECT_EQ(after["heads"], before["heads"]);
  }
  EXPECT_EQ(VaultInfo(d1_).value("records", -1), VaultInfo(d2_).value("records", -2));
  EXPECT_EQ(VaultInfo(d1_)["heads"], VaultInfo(d2_)["heads"]);
  EXPECT_EQ(VaultInfo(d2_).value("entries", -1), 6);
  ExpectSameViews();
}

TEST_F(SyncTest, HubDataHoldsNoPlaintextOfEntries) {
  ASSERT_NO_FATAL_FAILURE(Pair());
  const std::vector<std::string> markers{"MARKERnoticedQ7Z", "MARKERtagK3W",  "MARKEReditP9X",
                                         "MARKERdevice2J4V", "MARKERtag2R8N", "MARKERgoneH6T"};
  std::string a = d1_.Log(
      {"mindfulness", "-f", "minutes=12", "-f", "noticed=" + markers[0], "--tag", markers[1]});
  Edit(d1_, a, {"-f", "noticed=" + markers[2]});
  d2_.Log({"checkin", "-f", "mood=5", "-f", "note=" + markers[3], "--tag", markers[4]});
  std::string gone = d1_.Log({"checkin", "-f", "mood=1", "-f", "note=" + markers[5]});
  RunResult rm = d1_.Run({"rm", gone});
  ASSERT_EQ(rm.exit_code, 0) << rm;
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  // The markers really travelled, so their absence on the hub means something.
  std::string all2 = SortedList(d2_).dump() + Show(d2_, a, true).dump();
  std::string all1 = SortedList(d1_).dump();
  EXPECT_NE(all2.find(markers[0]), std::string::npos) << all2;
  EXPECT_NE(all2.find(markers[2]), std::string::npos) << all2;
  EXPECT_NE(all1.find(markers[3]), std::string::npos) << all1;
  EXPECT_NE(all1.find(markers[4]), std::string::npos) << all1;
  ASSERT_TRUE(hub_.Stop().has_value());  // flushes whatever it buffers
  auto hits = FindMarkers(hub_.root(), markers);
  for (const auto& [file, marker] : hits) ADD_FAILURE() << file << " holds " << marker;
}

}  // namespace
}  // namespace haven::e2e
