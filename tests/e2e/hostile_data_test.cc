// Data that someone else shaped: JSON nested far too deep on the command
// line and in a record that a compromised device of the vault sealed, and
// view rows that someone who can write the disk moved or rolled back. The
// daemon stays up, every other entry stays readable, nothing is shown as
// an entry it is not, and `haven doctor` names what it finds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/e2e/sync_harness.h"

namespace haven::e2e {
namespace {

using ::testing::HasSubstr;

std::string NestedArrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string StoreOf(const TestHome& home) { return home.path() + "/store"; }

// tamper_tool ARGS on a stopped daemon's store; its output.
std::string Tamper(const std::string& args) {
  std::string out;
  EXPECT_EQ(Shell(TamperToolBinary() + " " + args, &out), 0) << args << ": " << out;
  return out;
}

// The "note" each listed entry shows, by id.
std::map<std::string, std::string> NotesById(const TestHome& home) {
  std::map<std::string, std::string> notes;
  RunResult r = home.Run({"--format", "json", "list"});
  EXPECT_EQ(r.exit_code, 0) << r;
  nlohmann::json list = r.JsonOut();
  if (!list.is_array()) return notes;
  for (const auto& e : list) notes[e.value("id", "")] = e["fields"].value("note", "");
  return notes;
}

TEST(HostileJsonTest, LogWithAHundredThousandNestedArraysExits2AndTheDaemonLives) {
  TestHome home;
  home.Init();
  const std::string kept = home.Log({"checkin", "-f", "mood=6"});
  const int64_t records = home.Records();
  std::optional<pid_t> pid = home.DaemonPid();
  ASSERT_TRUE(pid.has_value());

  // Through standard input: one argument may not be this long.
  for (const std::string& json :
       {"{\"mood\":" + NestedArrays(100000) + "}", NestedArrays(100000)}) {
    RunResult r = home.Run({"log", "checkin", "--json", "-"}, {}, json);
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_EQ(r.ErrLines(), 1) << r;
    EXPECT_THAT(r.err, HasSubstr("--json: nested deeper than 16 levels")) << r;
    EXPECT_TRUE(ProcessAlive(*pid)) << "havend died";
  }
  RunResult big = home.Run({"log", "checkin", "--json", "-"}, {},
                           "{\"note\":\"" + std::string(1 << 20, 'a') + "\"}");
  EXPECT_EQ(big.exit_code, 2) << big.err.substr(0, 300);
  EXPECT_THAT(big.err, HasSubstr("--json: larger than 1048576 bytes"));
  EXPECT_EQ(big.ErrLines(), 1);

  EXPECT_EQ(home.DaemonPid(), pid);
  EXPECT_EQ(home.Records(), records) << "refused input wrote something";
  EXPECT_EQ(Ids(home.Json({"list"})), std::vector<std::string>{kept});
}

// A device of the vault seals, with the vault's key, a record whose field
// holds 100,000 nested arrays, and pushes it through a real hub. Another
// device pulls: it refuses the record (as one that does not open) and its
// list, export and stats keep working with its daemon up.
TEST(HostileJsonTest, ADeeplyNestedRecordFromACompromisedDeviceCrashesNoOtherDevice) {
  ASSERT_FALSE(TamperToolBinary().empty());
  Hub hub;
  ASSERT_TRUE(hub.Start());
  TestHome d1, d2;
  nlohmann::json init = d1.Init();
  const std::string good = d1.Log({"checkin", "-f", "mood=7", "-f", "note=before"});
  AddRemote(d1, hub);
  ASSERT_TRUE(SyncOk(d1).is_object());
  ASSERT_EQ(Join(d2, hub, init["vault_id"], init["secret_key"]).exit_code, 0);
  ASSERT_EQ(d2.Run({"unlock"}).exit_code, 0);
  std::optional<pid_t> d2_pid = d2.DaemonPid();
  ASSERT_TRUE(d2_pid.has_value());

  d1.StopDaemon();
  const std::string sealed =
      Tamper("--seal-deep " + StoreOf(d1) + " " + d1.passphrase() + " 100000");
  ASSERT_THAT(sealed, HasSubstr("sealed ")) << sealed;
  const std::string bad = sealed.substr(7, 24);
  ASSERT_TRUE(SyncOk(d1).is_object());  // pushes the record to the hub

  RunResult pulled = Sync(d2);
  EXPECT_LT(pulled.exit_code, 128) << pulled;
  EXPECT_EQ(pulled.ErrLines(), 1) << pulled;
  EXPECT_THAT(pulled.err, HasSubstr("rejected")) << pulled;
  ASSERT_TRUE(ProcessAlive(*d2_pid)) << "device 2's daemon died on the pull";

  RunResult list = d2.Run({"--format", "json", "list"});
  ASSERT_EQ(list.exit_code, 0) << list;
  EXPECT_THAT(Ids(list.JsonOut()), ::testing::ElementsAre(good));
  RunResult exported = d2.Run({"--format", "json", "export"});
  EXPECT_EQ(exported.exit_code, 0) << exported;
  EXPECT_THAT(exported.out, HasSubstr("before"));
  EXPECT_THAT(exported.out, ::testing::Not(HasSubstr(bad)));
  RunResult stats = d2.Run({"--format", "json", "stats"});
  EXPECT_EQ(stats.exit_code, 0) << stats;
  EXPECT_EQ(d2.Run({"show", bad}).exit_code, 4);
  EXPECT_TRUE(ProcessAlive(*d2_pid)) << "device 2's daemon died";
  EXPECT_EQ(d2.DaemonPid(), d2_pid);
  EXPECT_TRUE(hub.Running()) << hub.Output();
  DoctorClean(d2);  // the record was never stored
}

TEST(ViewRowTamperTest, SwappedRowsAreNeverShownAsAnotherEntrysAndDoctorReportsThem) {
  ASSERT_FALSE(TamperToolBinary().empty());
  TestHome home;
  home.Init();
  const std::string a = home.Log({"checkin", "-f", "mood=1", "-f", "note=alpha"});
  const std::string b = home.Log({"checkin", "-f", "mood=2", "-f", "note=beta"});
  home.StopDaemon();
  EXPECT_THAT(Tamper("--swap-view " + StoreOf(home)), HasSubstr("swapped"));

  const std::map<std::string, std::string> want = {{a, "alpha"}, {b, "beta"}};
  for (const auto& [id, note] : NotesById(home)) {
    EXPECT_EQ(note, want.at(id)) << "entry " << id << " shows another entry's content";
  }
  for (const std::string& id : {a, b}) {
    RunResult show = home.Run({"--format", "json", "show", id});
    if (show.exit_code == 0) {
      EXPECT_EQ(show.JsonOut()["fields"]["note"], want.at(id)) << show;
    } else {
      EXPECT_EQ(show.ErrLines(), 1) << show;
      EXPECT_LT(show.exit_code, 128) << show;
    }
  }
  RunResult doctor = home.Run({"doctor"});
  EXPECT_NE(doctor.exit_code, 0) << doctor;
  EXPECT_LT(doctor.exit_code, 128) << doctor;
  EXPECT_THAT(doctor.out, HasSubstr("does not open under its key")) << doctor;
  EXPECT_THAT(doctor.out, HasSubstr("rebuilt")) << doctor;

  // The view is rebuilt from the records at the next unlock.
  ASSERT_EQ(home.Run({"lock"}).exit_code, 0);
  EXPECT_EQ(NotesById(home), want);
  DoctorClean(home);
}

TEST(ViewRowTamperTest, ARowRolledBackToAnOlderVersionIsReportedStale) {
  ASSERT_FALSE(TamperToolBinary().empty());
  TestHome home;
  home.Init();
  const std::string a = home.Log({"checkin", "-f", "mood=1", "-f", "note=first"});
  const std::string b = home.Log({"checkin", "-f", "mood=2", "-f", "note=other"});
  home.StopDaemon();
  const std::string saved = home.Scratch("view.rows");
  Tamper("--save-view " + StoreOf(home) + " " + saved);
  ASSERT_EQ(home.Run({"edit", a, "-f", "note=second"}).exit_code, 0);
  home.StopDaemon();
  EXPECT_THAT(Tamper("--restore-view " + StoreOf(home) + " " + saved), HasSubstr("restored 1"));

  RunResult doctor = home.Run({"doctor"});
  EXPECT_NE(doctor.exit_code, 0) << doctor;
  EXPECT_LT(doctor.exit_code, 128) << doctor;
  EXPECT_THAT(doctor.out, HasSubstr("the row of entry " + a + " is stale")) << doctor;
  EXPECT_THAT(doctor.out, ::testing::Not(HasSubstr(b))) << doctor;

  ASSERT_EQ(home.Run({"lock"}).exit_code, 0);
  EXPECT_EQ(NotesById(home), (std::map<std::string, std::string>{{a, "second"}, {b, "other"}}));
  DoctorClean(home);
}

}  // namespace
}  // namespace haven::e2e
