// Randomised convergence (docs/design.md, "Merge"): three devices make random
// changes (log, edits of random fields of random entries, rm, restore)
// interleaved with random pairwise syncs through a hub. Devices are offline
// (no remote, so no background sync) except while they take part in a
// pairwise sync, so the other devices' changes stay concurrent. In the end
// everyone syncs twice and every device must show exactly the same thing.
//
// The seed is fixed (HAVEN_SYNC_SEED overrides it, to replay a failure).
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/e2e/sync_harness.h"

namespace haven::e2e {
namespace {

constexpr int kDevices = 3;
constexpr int kOperations = 45;

// An edit, rm or restore refused because of the entry's state on this
// device (already deleted, or not deleted): fine in a random walk.
bool DeletedHere(const RunResult& r) {
  return (r.exit_code == 4 || r.exit_code == 1 || r.exit_code == 2) &&
         (r.err.find("deleted") != std::string::npos || r.exit_code == 4);
}

// The walk's state: the devices, what each has seen, and what happened.
class SyncConvergenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* s = std::getenv("HAVEN_SYNC_SEED"); s != nullptr && *s) {
      seed_ = static_cast<uint32_t>(std::strtoul(s, nullptr, 10));
    }
    std::cout << "[ info ] seed " << seed_ << " (set HAVEN_SYNC_SEED to replay)\n";
    rng_.seed(seed_);
  }

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  // A hub and kDevices devices of one vault, every one offline.
  void StartDevices() {
    ASSERT_TRUE(hub_.Start());
    for (int i = 0; i < kDevices; ++i) d_.push_back(std::make_unique<TestHome>());
    nlohmann::json init = d_[0]->Init();
    ASSERT_TRUE(init.is_object());
    AddRemote(*d_[0], hub_);
    ASSERT_TRUE(SyncOk(*d_[0]).is_object());
    for (int i = 1; i < kDevices; ++i) {
      RunResult join = Join(*d_[i], hub_, init["vault_id"], init["secret_key"]);
      ASSERT_EQ(join.exit_code, 0) << join;
    }
    for (int i = 0; i < kDevices; ++i) Disconnect(*d_[i]);
  }

  std::string RandomField(const std::string& type) {
    if (type == "mindfulness") {
      switch (Pick(4)) {
        case 0:
          return "minutes=" + std::to_string(1 + Pick(90));
        case 1: {
          const char* p[] = {"breathing", "body-scan", "loving-kindness", "movement", "other"};
          return std::string("practice=") + p[Pick(5)];
        }
        case 2:
          return "judgment_before=" + std::to_string(Pick(11));
        default:
          return "noticed=note " + std::to_string(Pick(1000));
      }
    }
    switch (Pick(4)) {
      case 0:
        return "mood=" + std::to_string(Pick(11));
      case 1:
        return "resilience=" + std::to_string(Pick(11));
      case 2:
        return "connection=" + std::to_string(Pick(11));
      default:
        return "note=text " + std::to_string(Pick(1000));
    }
  }

  std::string RandomKnown(int dev) {
    if (known_[dev].empty()) return "";
    auto it = known_[dev].begin();
    std::advance(it, Pick(static_cast<int>(known_[dev].size())));
    return *it;
  }

  void Learn(int dev) {
    for (const std::string& id : Ids(SortedList(*d_[dev]))) known_[dev].insert(id);
  }

  void LogRandomEntry(int dev) {
    std::string type = Pick(2) ? "mindfulness" : "checkin";
    std::vector<std::string> args{type};
    if (type == "mindfulness") {
      args.insert(args.end(), {"-f", "minutes=" + std::to_string(1 + Pick(60))});
    } else {
      args.insert(args.end(), {"-f", "mood=" + std::to_string(Pick(11))});
    }
    args.insert(args.end(), {"-f", RandomField(type), "--tag", "t" + std::to_string(Pick(3))});
    std::string new_id = d_[dev]->Log(args);
    ASSERT_FALSE(new_id.empty());
    type_of_[new_id] = type;
    known_[dev].insert(new_id);
    log_.push_back("d" + std::to_string(dev) + " log " + new_id);
    ++changes_;
  }

  // `edit`, `rm` or `restore` of `id` on `dev`; one refused because of the
  // entry's state there is fine in a random walk.
  void Change(int dev, const std::string& id, const std::vector<std::string>& args,
              const std::string& what) {
    RunResult r = d_[dev]->Run(args);
    EXPECT_TRUE(r.exit_code == 0 || DeletedHere(r)) << r;
    log_.push_back("d" + std::to_string(dev) + " " + what + " " + id + " -> " +
                   std::to_string(r.exit_code));
    if (r.exit_code == 0) ++changes_;
  }

  void EditRandomFields(int dev, const std::string& id) {
    std::vector<std::string> args{"edit", id, "-f", RandomField(type_of_[id])};
    if (Pick(2)) args.insert(args.end(), {"-f", RandomField(type_of_[id])});
    Change(dev, id, args, "edit");
  }

  // A pairwise sync: the hub is up for these two only.
  void PairwiseSync(int dev) {
    int a = dev, b = (dev + 1 + Pick(kDevices - 1)) % kDevices;
    Reconnect(*d_[a], hub_);
    Reconnect(*d_[b], hub_);
    ASSERT_TRUE(SyncOk(*d_[a]).is_object()) << "sync of d" << a;
    ASSERT_TRUE(SyncOk(*d_[b]).is_object()) << "sync of d" << b;
    if (Pick(2)) ASSERT_TRUE(SyncOk(*d_[a]).is_object());
    Disconnect(*d_[a]);
    Disconnect(*d_[b]);
    Learn(a);
    Learn(b);
    log_.push_back("sync d" + std::to_string(a) + " d" + std::to_string(b));
    ++syncs_;
  }

  void RandomOperation() {
    int dev = Pick(kDevices);
    int kind = Pick(10);
    std::string id = RandomKnown(dev);
    if (id.empty() || kind < 3) {
      ASSERT_NO_FATAL_FAILURE(LogRandomEntry(dev));
    } else if (kind < 6) {  // edit of one or two random fields
      EditRandomFields(dev, id);
    } else if (kind < 7) {
      Change(dev, id, {"rm", id}, "rm");
    } else if (kind < 8) {
      Change(dev, id, {"restore", id}, "restore");
    } else {
      ASSERT_NO_FATAL_FAILURE(PairwiseSync(dev));
    }
  }

  // Device i shows exactly what device 0 shows, deleted entries included,
  // and holds the same records.
  void ExpectSameAsFirst(int i, const nlohmann::json& first, const nlohmann::json& info0) {
    std::string story;
    for (const auto& line : log_) story += line + "\n";
    nlohmann::json view = FullView(*d_[i]);
    EXPECT_EQ(view, first) << "device " << i << " differs from device 0 (seed " << seed_
                           << ")\ndevice 0:\n"
                           << first.dump(1) << "\ndevice " << i << ":\n"
                           << view.dump(1) << "\noperations:\n"
                           << story;
    // Entries deleted everywhere: `show` answers the same on every device.
    for (const auto& [id, type] : type_of_) {
      if (first["show"].contains(id)) continue;
      RunResult s0 = d_[0]->Run({"--format", "json", "show", id});
      RunResult si = d_[i]->Run({"--format", "json", "show", id});
      EXPECT_EQ(si.exit_code, s0.exit_code) << s0 << si;
      EXPECT_EQ(si.out, s0.out) << "deleted entry " << id << " differs" << s0 << si;
    }
    nlohmann::json info = VaultInfo(*d_[i]);
    EXPECT_EQ(info["heads"], info0["heads"]);
    EXPECT_EQ(info.value("records", -1), info0.value("records", -2));
    EXPECT_EQ(info.value("entries", -1), info0.value("entries", -2));
  }

  uint32_t seed_ = 20261120;
  std::mt19937 rng_;
  Hub hub_;
  std::vector<std::unique_ptr<TestHome>> d_;
  std::map<std::string, std::string> type_of_;          // every entry ever logged
  std::vector<std::set<std::string>> known_{kDevices};  // ids each device has seen
  std::vector<std::string> log_;                        // what happened, for failures
  int changes_ = 0, syncs_ = 0;
};

TEST_F(SyncConvergenceTest, RandomOperationsAndSyncOrdersConverge) {
  ASSERT_NO_FATAL_FAILURE(StartDevices());
  for (int op = 0; op < kOperations; ++op) ASSERT_NO_FATAL_FAILURE(RandomOperation());
  std::cout << "[ info ] " << changes_ << " changes, " << syncs_ << " pairwise syncs, "
            << type_of_.size() << " entries\n";
  EXPECT_GE(changes_, kOperations / 2) << "too few operations took effect to test anything";

  for (int i = 0; i < kDevices; ++i) Reconnect(*d_[i], hub_);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kDevices; ++i) {
      ASSERT_TRUE(SyncOk(*d_[i]).is_object()) << "final sync d" << i;
    }
  }
  nlohmann::json first = FullView(*d_[0]);
  nlohmann::json info0 = VaultInfo(*d_[0]);
  for (int i = 1; i < kDevices; ++i) ExpectSameAsFirst(i, first, info0);
  for (int i = 0; i < kDevices; ++i) DoctorClean(*d_[i]);
}

}  // namespace
}  // namespace haven::e2e
