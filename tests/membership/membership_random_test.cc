// Randomised convergence: random histories of every membership op from 3
// to 5 devices (enrolments under any epoch's authority, renames, revokes
// with any cut, epochs with any number and members, wraps, a few forgeries),
// stamped with random clocks. Every shuffle of a history, added in random
// batches, gives the state of the whole history added at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "server/membership/membership.h"
#include "tests/membership/member_fixture.h"

namespace haven {
namespace {

using testing::KeyPair;
using testing::MemberVault;
using testing::TestDevice;

constexpr int kHistories = 40;
constexpr int kShufflesPerHistory = 25;
constexpr uint32_t kMaxEpoch = 3;

std::string Snapshot(const Membership& m) {
  std::string out;
  for (const auto& [id, d] : m.devices()) {
    out += HexEncode(id) + " " + HexEncode(d.sign_public_key) + " e" + std::to_string(d.enrolled) +
           "@" + std::to_string(d.enrol_seq) + "/" + std::to_string(d.enrol_epoch) + " " +
           d.name.sealed() + " r" + std::to_string(d.revoked) + " " + HexEncode(d.revoked_by) +
           " cut " + std::to_string(d.cut) + "\n";
  }
  for (uint32_t e = 0; e <= m.current_epoch(); ++e) {
    const EpochState* epoch = m.epoch(e);
    out += "epoch " + std::to_string(e) + " " + HexEncode(epoch->written_by) + " " +
           HexEncode(epoch->authority_public_key);
    for (const std::string& holder : epoch->holders) out += " " + HexEncode(holder);
    out += "\n";
  }
  return out + "wrapped " + m.wrapped_key() + " #" + std::to_string(m.wrap_generation()) +
         " rotate " + std::to_string(m.NeedsRotation());
}

// One random history of one vault.
class History {
 public:
  explicit History(uint64_t seed) : rng_(seed) {
    for (uint32_t e = 1; e <= kMaxEpoch; ++e) authorities_.push_back(KeyPair::Make());
    const int devices = 3 + static_cast<int>(rng_() % 3);
    for (int i = 0; i < devices; ++i) devices_.push_back(std::make_unique<TestDevice>());
    // Most devices enrol early under epoch 0; the rest join at random.
    for (auto& device : devices_) {
      if (rng_() % 4 != 0) Enrol(*device, 0, 1 + rng_() % 10);
    }
    const int ops = 12 + static_cast<int>(rng_() % 16);
    for (int i = 0; i < ops; ++i) RandomOp();
  }

  const MemberVault& vault() const { return vault_; }
  const std::vector<MemberRecord>& records() const { return records_; }

 private:
  const KeyPair& Authority(uint32_t epoch) const {
    return epoch == 0 ? vault_.authority0() : authorities_[epoch - 1];
  }
  TestDevice& AnyDevice() { return *devices_[rng_() % devices_.size()]; }
  uint64_t Stamp() { return MemberVault::Hlc(1 + rng_() % 60); }

  void Enrol(TestDevice& device, uint32_t epoch, uint64_t ticks) {
    records_.push_back(vault_.Record(device, vault_.Enrol(device, Authority(epoch), epoch),
                                     MemberVault::Hlc(ticks)));
  }

  v1::MembershipOp EpochOp() {
    const uint32_t number = 1 + rng_() % kMaxEpoch;
    std::vector<const TestDevice*> members;
    for (auto& device : devices_) {
      if (rng_() % 3 != 0) members.push_back(device.get());
    }
    return MemberVault::Epoch(number, Authority(number), members,
                              "key " + std::to_string(rng_() % 1000));
  }

  void RandomOp() {
    TestDevice& writer = AnyDevice();
    v1::MembershipOp op;
    switch (rng_() % 5) {
      case 0:
        Enrol(writer, rng_() % (kMaxEpoch + 1), 1 + rng_() % 60);
        return;
      case 1:
        op = MemberVault::Rename(AnyDevice(), "name " + std::to_string(rng_() % 1000));
        break;
      case 2: {
        TestDevice& target = AnyDevice();
        op = MemberVault::Revoke(target.id, rng_() % (target.seq + 2));
        break;
      }
      case 3:
        op = EpochOp();
        break;
      default:
        op = MemberVault::Wrap(rng_() % (kMaxEpoch + 1), "wrap " + std::to_string(rng_() % 1000));
    }
    const KeyPair* forger = rng_() % 10 == 0 ? &AnyDevice().key : nullptr;
    records_.push_back(vault_.Record(writer, op, Stamp(), forger));
  }

  std::mt19937_64 rng_;
  MemberVault vault_;
  std::vector<KeyPair> authorities_;
  std::vector<std::unique_ptr<TestDevice>> devices_;
  std::vector<MemberRecord> records_;
};

// `records` shuffled and added in random batches of 1 to 5.
Membership AddShuffled(const MemberVault& vault, std::vector<MemberRecord> records,
                       std::mt19937_64& rng) {
  std::shuffle(records.begin(), records.end(), rng);
  Membership m = vault.NewMembership();
  for (size_t next = 0; next < records.size();) {
    std::vector<MemberRecord> batch;
    for (size_t n = 1 + rng() % 5; n > 0 && next < records.size(); --n) {
      batch.push_back(records[next++]);
    }
    m.Add(std::move(batch));
  }
  return m;
}

TEST(MembershipRandomTest, EveryOrderAndBatchingOfAHistoryGivesOneState) {
  int rotated = 0, revoked = 0, wrapped = 0, needs_rotation = 0, late_enrols = 0;
  for (int seed = 1; seed <= kHistories; ++seed) {
    History history(seed);
    Membership whole = history.vault().NewMembership();
    whole.Add(history.records());
    const std::string want = Snapshot(whole);
    std::mt19937_64 rng(seed * 7919);
    for (int shuffle = 0; shuffle < kShufflesPerHistory; ++shuffle) {
      Membership m = AddShuffled(history.vault(), history.records(), rng);
      ASSERT_EQ(Snapshot(m), want) << "history " << seed << ", shuffle " << shuffle;
      ASSERT_EQ(m.records().size(), history.records().size());
    }
    rotated += whole.current_epoch() > 0;
    wrapped += whole.wrap_generation() > whole.current_epoch();
    needs_rotation += whole.NeedsRotation();
    for (const auto& [id, device] : whole.devices()) {
      revoked += device.revoked;
      late_enrols += device.enrolled && device.enrol_epoch > 0;
    }
  }
  // The histories exercise every rule, not only the trivial cases.
  EXPECT_GT(rotated, 0);
  EXPECT_GT(revoked, 0);
  EXPECT_GT(wrapped, 0);
  EXPECT_GT(needs_rotation, 0);
  EXPECT_GT(late_enrols, 0);
  EXPECT_LT(needs_rotation, kHistories);
}

}  // namespace
}  // namespace haven
