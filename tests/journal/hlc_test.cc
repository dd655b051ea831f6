// The hybrid clock and its drift bound (docs/design.md, "Clock drift"): a
// remote stamp more than HybridClock::kMaxDriftMs ahead of the physical
// clock does not move the clock; a change made after seeing such a stamp
// still orders after it, on every device, whatever order records arrive in;
// doctor's tally counts such records per device.
#include "server/journal/hlc.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "haven/v1/record.pb.h"
#include "server/journal/merge.h"

namespace haven {
namespace {

constexpr int64_t kNowMs = 1'790'000'000'000;  // late 2026
constexpr int64_t kYearMs = 365LL * 24 * 3600 * 1000;
const std::string kDeviceX(16, '\x0a');  // its clock runs a year ahead
const std::string kDeviceY(16, '\x0b');

struct FakeClock {
  int64_t ms = kNowMs;
  HybridClock clock{[this] { return ms; }};
};

uint64_t At(int64_t ms) { return HybridClock::FromMillis(ms); }

TEST(HybridClockTest, NowIsStrictlyIncreasingAndFollowsThePhysicalClock) {
  FakeClock c;
  uint64_t a = c.clock.Now();
  uint64_t b = c.clock.Now();
  EXPECT_EQ(a, At(kNowMs));
  EXPECT_EQ(b, a + 1);  // same millisecond: the logical counter
  c.ms += 10;
  EXPECT_EQ(c.clock.Now(), At(kNowMs + 10));
}

TEST(HybridClockTest, ObserveWithinTheBoundMovesTheClock) {
  FakeClock c;
  uint64_t remote = At(kNowMs + HybridClock::kMaxDriftMs);  // exactly at the bound
  EXPECT_TRUE(c.clock.Observe(remote, kDeviceX));
  EXPECT_EQ(c.clock.Now(), remote + 1);
}

TEST(HybridClockTest, ObservePastTheBoundLeavesTheClock) {
  FakeClock c;
  uint64_t before = c.clock.Now();
  EXPECT_FALSE(c.clock.Observe(At(kNowMs + HybridClock::kMaxDriftMs) + 1, kDeviceX));
  EXPECT_FALSE(c.clock.Observe(At(kNowMs + kYearMs), kDeviceX));
  EXPECT_FALSE(c.clock.Observe(At(kNowMs + kYearMs), ""));  // a stored row's stamp
  EXPECT_EQ(c.clock.Now(), before + 1);
}

TEST(HybridClockTest, ARefusedStampIsAcceptedOnceThePhysicalClockCatchesUp) {
  FakeClock c;
  uint64_t remote = At(kNowMs + kYearMs);
  EXPECT_FALSE(c.clock.Observe(remote, kDeviceX));
  c.ms = kNowMs + kYearMs - HybridClock::kMaxDriftMs;
  EXPECT_TRUE(c.clock.Observe(remote, kDeviceX));
  EXPECT_EQ(c.clock.Now(), remote + 1);
}

TEST(HybridClockTest, NowAfterOrdersAfterAStampAheadWithoutMovingTheClock) {
  FakeClock c;
  uint64_t ahead = At(kNowMs + kYearMs);
  EXPECT_EQ(c.clock.NowAfter(ahead), ahead + 1);
  uint64_t next = c.clock.Now();
  EXPECT_LT(next, At(kNowMs + 1));                           // still this device's time
  EXPECT_EQ(c.clock.NowAfter(At(kNowMs - 1000)), next + 1);  // a floor behind: plain Now()
}

TEST(HybridClockTest, TooFarAheadIsStrictlyPastTheBound) {
  uint64_t physical = At(kNowMs);
  EXPECT_FALSE(HybridClock::TooFarAhead(At(kNowMs - kYearMs), physical));
  EXPECT_FALSE(HybridClock::TooFarAhead(At(kNowMs + HybridClock::kMaxDriftMs), physical));
  EXPECT_TRUE(HybridClock::TooFarAhead(At(kNowMs + HybridClock::kMaxDriftMs) + 1, physical));
}

TEST(DriftTallyTest, CountsRecordsPastTheBoundPerDeviceWithTheLatest) {
  DriftTally tally(At(kNowMs));
  tally.Add(kDeviceY, "e1", At(kNowMs + 1000));  // within the bound: not counted
  tally.Add(kDeviceX, "e1", At(kNowMs + kYearMs));
  tally.Add(kDeviceX, "e2", At(kNowMs + kYearMs + 60'000));
  std::vector<std::string> lines = tally.Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("device 0a0a0a0a: 2 records stamped more than 5 min ahead"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find("the latest at 2027-"), std::string::npos) << lines[0];
  EXPECT_TRUE(DriftTally(At(kNowMs)).Lines().empty());
}

// Y edits an entry after seeing X's year-ahead record of it: NowAfter
// stamps the edit one tick later, which is not Y's clock running ahead.
// Y's own record of another entry, one tick after X's, still counts.
TEST(DriftTallyTest, AnEditOrderedAfterAnotherDevicesRecordIsNotCountedAgainstItsDevice) {
  DriftTally tally(At(kNowMs));
  const uint64_t ahead = At(kNowMs + kYearMs);
  tally.Add(kDeviceX, "e1", ahead);
  tally.Add(kDeviceY, "e1", ahead + 1);  // NowAfter(ahead)
  tally.Add(kDeviceX, "e1", ahead + 2);  // X edits again, after Y
  std::vector<std::string> lines = tally.Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("device 0a0a0a0a: 1 record stamped"), std::string::npos) << lines[0];
  tally.Add(kDeviceY, "e2", ahead + 1);  // not ordered after anything of e2
  EXPECT_EQ(tally.Lines().size(), 2u);
}

// Device X's clock runs a year ahead and it sets "mood"; device Y sees that,
// then sets "mood" itself. Y's stamp orders after X's, so Y's value wins on
// both devices whichever order the two records arrive in, and Y's clock
// never jumped a year ahead.
TEST(HybridClockTest, AnEditAfterSeeingAStampAheadWinsInEveryArrivalOrder) {
  FakeClock y;
  v1::RecordBody create;
  create.set_kind(v1::RecordBody::CREATE);
  create.set_entry_id("0123456789abcdef01234567");
  create.set_type("checkin");
  create.set_hlc(At(kNowMs + kYearMs));
  (*create.mutable_set_fields())["mood"] = "2";
  v1::EntryState seen_on_y;
  ASSERT_TRUE(ApplyRecord(&seen_on_y, create, kDeviceX, 1));
  EXPECT_FALSE(y.clock.Observe(create.hlc(), kDeviceX));

  v1::RecordBody edit;
  edit.set_kind(v1::RecordBody::EDIT);
  edit.set_entry_id(create.entry_id());
  edit.set_hlc(y.clock.NowAfter(seen_on_y.updated_hlc()));
  (*edit.mutable_set_fields())["mood"] = "4";
  EXPECT_LT(y.clock.Now(), At(kNowMs + HybridClock::kMaxDriftMs));

  for (bool edit_first : {false, true}) {
    v1::EntryState state;
    if (edit_first) ApplyRecord(&state, edit, kDeviceY, 1);
    ApplyRecord(&state, create, kDeviceX, 1);
    if (!edit_first) ApplyRecord(&state, edit, kDeviceY, 1);
    EXPECT_EQ(state.fields().at("mood").value_json(), "4") << "edit first: " << edit_first;
  }
}

}  // namespace
}  // namespace haven
