// Randomised convergence (docs/design.md, "Merge" and "Devices and key
// epochs"): three devices make random changes (log, edits of random fields
// of random entries, rm, restore, and now and then a rename of a random
// device) interleaved with random pairwise syncs through a hub; once per
// walk a random device rekeys the vault and, at another random point, one
// device revokes another, which then leaves the walk. Devices are offline
// (no remote, so no background sync) except while they take part in a
// pairwise sync, so the other devices' changes stay concurrent. In the end
// the remaining devices sync until quiet and must show exactly the same
// entries, the same devices (ids, names, revoked) and the same key epoch;
// the revoked device's sync is refused (exit 5).
//
// The seed is fixed (HAVEN_SYNC_SEED overrides it, to replay a failure).
#include <gtest/gtest.h>

#include <algorithm>
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
constexpr int kFinalRounds = 3;  // a revoke met by a rekey rotates once more

// `device list --format json` reduced to what every device agrees on:
// device_id, name and revoked, sorted by device_id.
nlohmann::json Members(const TestHome& device) {
  nlohmann::json list = device.Json({"device", "list"});
  std::vector<nlohmann::json> out;
  for (const auto& d : list) {
    out.push_back({{"device_id", d.value("device_id", "")},
                   {"name", d.value("name", "")},
                   {"revoked", d.value("revoked", false)}});
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a["device_id"] < b["device_id"]; });
  return nlohmann::json(out);
}

// The heads of `info` ("vault info --format json") without `device`'s:
// records of a revoked device beyond its cut stay in the logs that pulled
// them before the revoke arrived, so that head may differ.
nlohmann::json HeadsWithout(nlohmann::json info, const std::string& device) {
  if (info.contains("heads") && info["heads"].is_object()) info["heads"].erase(device);
  return info["heads"];
}
// The number of records of `info` but `device`'s (a log holds a device's
// records 1..head).
int64_t RecordsWithout(const nlohmann::json& info, const std::string& device) {
  int64_t records = info.value("records", int64_t{-1});
  if (info.contains("heads") && info["heads"].contains(device)) {
    records -= info["heads"][device].get<int64_t>();
  }
  return records;
}

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
    rekey_at_ = Pick(kOperations);
    revoke_at_ = Pick(kOperations - 1);
    if (revoke_at_ >= rekey_at_) ++revoke_at_;  // another operation
  }

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  // A random device still in the walk.
  int PickActive() { return active_[Pick(static_cast<int>(active_.size()))]; }
  // A random device in the walk other than `dev`.
  int PickOther(int dev) {
    std::vector<int> others;
    for (int i : active_) {
      if (i != dev) others.push_back(i);
    }
    return others[Pick(static_cast<int>(others.size()))];
  }

  // A hub and kDevices devices of one vault, each knowing every device's
  // enrolment, every one offline.
  void StartDevices() {
    ASSERT_TRUE(hub_.Start());
    for (int i = 0; i < kDevices; ++i) d_.push_back(std::make_unique<TestHome>());
    nlohmann::json init = d_[0]->Init();
    ASSERT_TRUE(init.is_object());
    ids_.push_back(init.value("device_id", ""));
    AddRemote(*d_[0], hub_);
    ASSERT_TRUE(SyncOk(*d_[0]).is_object());
    for (int i = 1; i < kDevices; ++i) {
      RunResult join = Join(*d_[i], hub_, init["vault_id"], init["secret_key"]);
      ASSERT_EQ(join.exit_code, 0) << join;
      ids_.push_back(join.JsonOut().value("device_id", ""));
    }
    for (int i = 0; i < kDevices; ++i) {
      ASSERT_EQ(ids_[i].size(), 32u) << "device " << i;
      ASSERT_TRUE(SyncOk(*d_[i]).is_object()) << "device " << i;
      active_.push_back(i);
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
    int a = dev, b = PickOther(dev);
    Reconnect(*d_[a], hub_);
    Reconnect(*d_[b], hub_);
    ASSERT_TRUE(SyncOk(*d_[a]).is_object()) << "sync of d" << a << Story();
    ASSERT_TRUE(SyncOk(*d_[b]).is_object()) << "sync of d" << b << Story();
    if (Pick(2)) ASSERT_TRUE(SyncOk(*d_[a]).is_object()) << Story();
    Disconnect(*d_[a]);
    Disconnect(*d_[b]);
    Learn(a);
    Learn(b);
    log_.push_back("sync d" + std::to_string(a) + " d" + std::to_string(b));
    ++syncs_;
  }

  // A membership operation on `dev`; it must succeed.
  void Member(int dev, const std::vector<std::string>& args, const std::string& what) {
    RunResult r = d_[dev]->Run(args);
    ASSERT_EQ(r.exit_code, 0) << r << "(seed " << seed_ << ")";
    log_.push_back("d" + std::to_string(dev) + " " + what);
    ++members_;
  }

  void RenameRandomDevice(int dev) {
    const int target = Pick(kDevices);  // the revoked one too: its name stays
    const std::string name = "device " + std::to_string(Pick(1000));
    Member(dev, {"device", "rename", ids_[target], name},
           "rename d" + std::to_string(target) + " '" + name + "'");
  }

  // `dev` revokes another device in the walk, which leaves it.
  void RevokeRandomDevice(int dev) {
    revoked_ = PickOther(dev);
    Member(dev, {"device", "revoke", ids_[revoked_]}, "revoke d" + std::to_string(revoked_));
    active_.erase(std::find(active_.begin(), active_.end(), revoked_));
  }

  void RandomOperation(int op) {
    int dev = PickActive();
    if (op == rekey_at_) return Member(dev, {"vault", "rekey"}, "vault rekey");
    if (op == revoke_at_) return RevokeRandomDevice(dev);
    if (Pick(15) == 0) return RenameRandomDevice(dev);
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

  // What happened so far, for failures.
  std::string Story() const {
    std::string story = " (seed " + std::to_string(seed_) + ")\noperations:\n";
    for (const auto& line : log_) story += line + "\n";
    return story;
  }

  // Device i shows exactly what device `ref` shows, deleted entries
  // included, holds the same records (but the revoked device's beyond its
  // cut), the same devices and the same key epoch.
  void ExpectSameAs(int ref, int i, const nlohmann::json& first, const nlohmann::json& info0) {
    const std::string story = Story();
    nlohmann::json view = FullView(*d_[i]);
    EXPECT_EQ(view, first) << "device " << i << " differs from device " << ref << story << "device "
                           << ref << ":\n"
                           << first.dump(1) << "\ndevice " << i << ":\n"
                           << view.dump(1);
    // Entries deleted everywhere: `show` answers the same on every device.
    for (const auto& [id, type] : type_of_) {
      if (first["show"].contains(id)) continue;
      RunResult s0 = d_[ref]->Run({"--format", "json", "show", id});
      RunResult si = d_[i]->Run({"--format", "json", "show", id});
      EXPECT_EQ(si.exit_code, s0.exit_code) << s0 << si;
      EXPECT_EQ(si.out, s0.out) << "deleted entry " << id << " differs" << s0 << si;
    }
    nlohmann::json info = VaultInfo(*d_[i]);
    const std::string gone = revoked_ >= 0 ? ids_[revoked_] : "";
    EXPECT_EQ(HeadsWithout(info, gone), HeadsWithout(info0, gone)) << "seed " << seed_;
    EXPECT_EQ(RecordsWithout(info, gone), RecordsWithout(info0, gone)) << "seed " << seed_;
    EXPECT_EQ(info.value("entries", -1), info0.value("entries", -2)) << "seed " << seed_;
    EXPECT_TRUE(info.contains("epoch")) << info.dump();
    EXPECT_EQ(info.value("epoch", -1), info0.value("epoch", -2))
        << "device " << i << " vs " << ref << story;
    EXPECT_EQ(Members(*d_[i]), Members(*d_[ref])) << "device " << i << " vs " << ref << story;
  }

  uint32_t seed_ = 20261120;
  std::mt19937 rng_;
  Hub hub_;
  std::vector<std::unique_ptr<TestHome>> d_;
  std::map<std::string, std::string> type_of_;          // every entry ever logged
  std::vector<std::set<std::string>> known_{kDevices};  // ids each device has seen
  std::vector<std::string> log_;                        // what happened, for failures
  std::vector<std::string> ids_;                        // hex device ids
  std::vector<int> active_;                             // devices still in the walk
  int rekey_at_ = -1, revoke_at_ = -1;                  // operation numbers
  int revoked_ = -1;                                    // the device revoked, once it is
  int changes_ = 0, syncs_ = 0, members_ = 0;
};

TEST_F(SyncConvergenceTest, RandomOperationsAndSyncOrdersConverge) {
  ASSERT_NO_FATAL_FAILURE(StartDevices());
  for (int op = 0; op < kOperations; ++op) ASSERT_NO_FATAL_FAILURE(RandomOperation(op));
  std::cout << "[ info ] " << changes_ << " changes, " << members_ << " membership operations, "
            << syncs_ << " pairwise syncs, " << type_of_.size() << " entries\n";
  EXPECT_GE(changes_ + members_, kOperations / 2)
      << "too few operations took effect to test anything";
  ASSERT_GE(revoked_, 0) << "the walk revoked no device";

  for (int i : active_) Reconnect(*d_[i], hub_);
  for (int round = 0; round < kFinalRounds; ++round) {
    for (int i : active_) ASSERT_TRUE(SyncOk(*d_[i]).is_object()) << "final sync d" << i << Story();
  }
  const int ref = active_.front();
  nlohmann::json first = FullView(*d_[ref]);
  nlohmann::json info0 = VaultInfo(*d_[ref]);
  for (int i : active_) {
    if (i != ref) ExpectSameAs(ref, i, first, info0);
  }
  const nlohmann::json members = Members(*d_[ref]);
  for (const auto& device : members) {
    EXPECT_EQ(device.value("revoked", false), device.value("device_id", "") == ids_[revoked_])
        << members.dump(1);
  }
  for (int i : active_) DoctorClean(*d_[i]);

  // The revoked device's daemon may still try; the hub refuses it.
  Reconnect(*d_[revoked_], hub_);
  RunResult refused = Sync(*d_[revoked_]);
  EXPECT_EQ(refused.exit_code, 5) << refused << "(seed " << seed_ << ")";
}

}  // namespace
}  // namespace haven::e2e
