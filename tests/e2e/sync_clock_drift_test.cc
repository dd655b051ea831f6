// A device whose clock runs a year ahead (docs/design.md, "Clock drift"):
// its records are stored and merged like any other, but they do not drag
// the other devices' clocks a year ahead, so honest devices still order
// their own edits by when they made them; an edit made after seeing the
// year-ahead value wins it; no record is lost; and `haven doctor` on an
// honest device names the device whose records are stamped ahead.
//
// The year-ahead device is an ordinary havend started with the test-only
// fault hook HAVEN_FAULT_CLOCK_OFFSET_SECONDS (server/journal/hlc.h).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/e2e/sync_harness.h"

namespace haven::e2e {
namespace {

constexpr int64_t kYearSeconds = 365LL * 24 * 3600;
const EnvOverrides kYearAhead{{"HAVEN_FAULT_CLOCK_OFFSET_SECONDS", std::to_string(kYearSeconds)}};

class ClockDriftTest : public ::testing::Test {
 protected:
  // a_ makes the vault; b_ joins; ahead_ joins with its clock a year ahead.
  void SetUp() override {
    ASSERT_TRUE(hub_.Start());
    nlohmann::json init = a_.Init();
    ASSERT_TRUE(init.is_object());
    AddRemote(a_, hub_);
    ASSERT_TRUE(SyncOk(a_).is_object());
    for (TestHome* d : {&b_, &ahead_}) {
      RunResult join = Join(*d, hub_, init["vault_id"], init["secret_key"], {},
                            d == &ahead_ ? kYearAhead : EnvOverrides{});
      ASSERT_EQ(join.exit_code, 0) << join << "\nhub:\n" << hub_.Output();
    }
  }

  void SyncAll() {
    for (int round = 0; round < 2; ++round) {
      for (TestHome* d : {&a_, &b_, &ahead_}) ASSERT_TRUE(SyncOk(*d).is_object());
    }
  }

  void SetMinutes(const TestHome& d, const std::string& id, int minutes) {
    RunResult r = d.Run({"edit", id, "-f", "minutes=" + std::to_string(minutes)},
                        &d == &ahead_ ? kYearAhead : EnvOverrides{});
    ASSERT_EQ(r.exit_code, 0) << r;
  }

  void ExpectMinutesEverywhere(const std::string& id, int minutes) {
    for (TestHome* d : {&a_, &b_, &ahead_}) {
      nlohmann::json e = Show(*d, id);
      EXPECT_EQ(e["fields"]["minutes"], minutes) << d->path() << ": " << e.dump();
    }
  }

  Hub hub_;
  TestHome a_, b_, ahead_;
};

TEST_F(ClockDriftTest, AYearAheadDeviceDoesNotWinEveryLaterEditAndDoctorNamesIt) {
  std::string shared = a_.Log({"mindfulness", "-f", "minutes=10"});
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  Disconnect(b_);  // b_ sees nothing more until it has made its edit

  // The year-ahead device writes; a_ pulls its record.
  RunResult logged = ahead_.Run({"log", "mindfulness", "-f", "minutes=5"}, kYearAhead);
  ASSERT_EQ(logged.exit_code, 0) << logged;
  std::string ahead_entry = logged.Trimmed();
  ASSERT_TRUE(SyncOk(ahead_).is_object());
  ASSERT_TRUE(SyncOk(a_).is_object());
  ASSERT_EQ(Show(a_, ahead_entry)["fields"]["minutes"], 5);

  // a_ edits, then b_ edits the same field later: b_ is the last writer.
  // Had a_'s clock jumped to the year-ahead stamp, a_'s edit would win.
  ASSERT_NO_FATAL_FAILURE(SetMinutes(a_, shared, 20));
  ASSERT_NO_FATAL_FAILURE(SetMinutes(b_, shared, 30));
  Reconnect(b_, hub_);
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  ExpectMinutesEverywhere(shared, 30);
  auto updated = ParseRfc3339(Show(a_, shared)["updated"].get<std::string>());
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  ASSERT_TRUE(updated.has_value());
  EXPECT_LT(*updated, now + 3600) << "an honest device's edit is stamped in the future";

  // An edit made after seeing the year-ahead value wins it everywhere.
  ASSERT_NO_FATAL_FAILURE(SetMinutes(ahead_, ahead_entry, 6));
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  ASSERT_NO_FATAL_FAILURE(SetMinutes(a_, ahead_entry, 7));
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  ExpectMinutesEverywhere(ahead_entry, 7);

  // No record is lost: every device holds every record and shows the same.
  // Each device's first record is its Enrol membership record: 3 Enrols,
  // 2 creates and 4 edits.
  EXPECT_EQ(a_.Records(), 9);
  EXPECT_EQ(b_.Records(), a_.Records());
  EXPECT_EQ(ahead_.Records(), a_.Records());
  EXPECT_EQ(FullView(a_), FullView(b_));
  EXPECT_EQ(FullView(a_), FullView(ahead_));

  // Doctor on an honest device warns of the device whose records run ahead,
  // not of a_, whose last edit was ordered after them; nothing needs repair.
  std::string ahead_id = VaultInfo(ahead_)["device_id"].get<std::string>().substr(0, 8);
  std::string a_id = VaultInfo(a_)["device_id"].get<std::string>().substr(0, 8);
  RunResult doctor = b_.RunWith({"doctor"}, {.timeout = Duration(60000)});
  EXPECT_EQ(doctor.exit_code, 0) << doctor;
  auto report = nlohmann::json::parse(doctor.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(report.is_object()) << doctor;
  EXPECT_TRUE(report["problems"].empty()) << doctor;
  ASSERT_EQ(report["warnings"].size(), 1u) << doctor;
  EXPECT_NE(report["warnings"][0].get<std::string>().find(
                "device " + ahead_id + ": 2 records stamped more than 5 min ahead"),
            std::string::npos)
      << doctor;
  EXPECT_EQ(doctor.out.find("device " + a_id), std::string::npos) << doctor;
}

}  // namespace
}  // namespace haven::e2e
