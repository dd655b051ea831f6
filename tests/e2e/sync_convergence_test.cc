// Randomised convergence (docs/design.md, "Merge"): three devices make random
// changes (log, edits of random fields of random entries, rm, restore)
// interleaved with random pairwise syncs through a hub. Devices are offline
// (no remote, so no background sync) except while they take part in a
// pairwise sync, so the other devices' changes stay concurrent. In the end
// everyone syncs twice and every device must show exactly the same thing.
//
// The seed is fixed (HAVEN_SYNC_SEED overrides it, to replay a failure).
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

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

TEST(SyncConvergenceTest, RandomOperationsAndSyncOrdersConverge) {
  uint32_t seed = 20261120;
  if (const char* s = std::getenv("HAVEN_SYNC_SEED"); s != nullptr && *s) {
    seed = static_cast<uint32_t>(std::strtoul(s, nullptr, 10));
  }
  std::cout << "[ info ] seed " << seed << " (set HAVEN_SYNC_SEED to replay)\n";
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };

  Hub hub;
  ASSERT_TRUE(hub.Start());
  std::vector<std::unique_ptr<TestHome>> d;
  for (int i = 0; i < kDevices; ++i) d.push_back(std::make_unique<TestHome>());
  nlohmann::json init = d[0]->Init();
  ASSERT_TRUE(init.is_object());
  AddRemote(*d[0], hub);
  ASSERT_TRUE(SyncOk(*d[0]).is_object());
  for (int i = 1; i < kDevices; ++i) {
    RunResult join = Join(*d[i], hub, init["vault_id"], init["secret_key"]);
    ASSERT_EQ(join.exit_code, 0) << join;
  }
  for (int i = 0; i < kDevices; ++i) Disconnect(*d[i]);

  std::map<std::string, std::string> type_of;           // every entry ever logged
  std::vector<std::set<std::string>> known(kDevices);  // ids each device has seen
  std::vector<std::string> log;                        // what happened, for failures
  int changes = 0, syncs = 0;

  auto random_field = [&](const std::string& type) -> std::string {
    if (type == "mindfulness") {
      switch (pick(4)) {
        case 0: return "minutes=" + std::to_string(1 + pick(90));
        case 1: {
          const char* p[] = {"breathing", "body-scan", "loving-kindness", "movement", "other"};
          return std::string("practice=") + p[pick(5)];
        }
        case 2: return "judgment_before=" + std::to_string(pick(11));
        default: return "noticed=note " + std::to_string(pick(1000));
      }
    }
    switch (pick(4)) {
      case 0: return "mood=" + std::to_string(pick(11));
      case 1: return "resilience=" + std::to_string(pick(11));
      case 2: return "connection=" + std::to_string(pick(11));
      default: return "note=text " + std::to_string(pick(1000));
    }
  };
  auto random_known = [&](int dev) -> std::string {
    if (known[dev].empty()) return "";
    auto it = known[dev].begin();
    std::advance(it, pick(static_cast<int>(known[dev].size())));
    return *it;
  };
  auto learn = [&](int dev) {
    for (const std::string& id : Ids(SortedList(*d[dev]))) known[dev].insert(id);
  };

  for (int op = 0; op < kOperations; ++op) {
    int dev = pick(kDevices);
    int kind = pick(10);
    std::string id = random_known(dev);
    if (id.empty() || kind < 3) {  // log
      std::string type = pick(2) ? "mindfulness" : "checkin";
      std::vector<std::string> args{type};
      if (type == "mindfulness") {
        args.insert(args.end(), {"-f", "minutes=" + std::to_string(1 + pick(60))});
      } else {
        args.insert(args.end(), {"-f", "mood=" + std::to_string(pick(11))});
      }
      args.insert(args.end(), {"-f", random_field(type), "--tag", "t" + std::to_string(pick(3))});
      std::string new_id = d[dev]->Log(args);
      ASSERT_FALSE(new_id.empty());
      type_of[new_id] = type;
      known[dev].insert(new_id);
      log.push_back("d" + std::to_string(dev) + " log " + new_id);
      ++changes;
    } else if (kind < 6) {  // edit of one or two random fields
      std::vector<std::string> args{"edit", id, "-f", random_field(type_of[id])};
      if (pick(2)) args.insert(args.end(), {"-f", random_field(type_of[id])});
      RunResult r = d[dev]->Run(args);
      EXPECT_TRUE(r.exit_code == 0 || DeletedHere(r)) << r;
      log.push_back("d" + std::to_string(dev) + " edit " + id + " -> " + std::to_string(r.exit_code));
      if (r.exit_code == 0) ++changes;
    } else if (kind < 7) {  // rm
      RunResult r = d[dev]->Run({"rm", id});
      EXPECT_TRUE(r.exit_code == 0 || DeletedHere(r)) << r;
      log.push_back("d" + std::to_string(dev) + " rm " + id + " -> " + std::to_string(r.exit_code));
      if (r.exit_code == 0) ++changes;
    } else if (kind < 8) {  // restore
      RunResult r = d[dev]->Run({"restore", id});
      EXPECT_TRUE(r.exit_code == 0 || DeletedHere(r)) << r;
      log.push_back("d" + std::to_string(dev) + " restore " + id + " -> " +
                    std::to_string(r.exit_code));
      if (r.exit_code == 0) ++changes;
    } else {  // a pairwise sync: the hub is up for these two only
      int a = dev, b = (dev + 1 + pick(kDevices - 1)) % kDevices;
      Reconnect(*d[a], hub);
      Reconnect(*d[b], hub);
      ASSERT_TRUE(SyncOk(*d[a]).is_object()) << "sync of d" << a;
      ASSERT_TRUE(SyncOk(*d[b]).is_object()) << "sync of d" << b;
      if (pick(2)) ASSERT_TRUE(SyncOk(*d[a]).is_object());
      Disconnect(*d[a]);
      Disconnect(*d[b]);
      learn(a);
      learn(b);
      log.push_back("sync d" + std::to_string(a) + " d" + std::to_string(b));
      ++syncs;
    }
  }
  std::cout << "[ info ] " << changes << " changes, " << syncs << " pairwise syncs, "
            << type_of.size() << " entries\n";
  EXPECT_GE(changes, kOperations / 2) << "too few operations took effect to test anything";

  for (int i = 0; i < kDevices; ++i) Reconnect(*d[i], hub);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kDevices; ++i) ASSERT_TRUE(SyncOk(*d[i]).is_object()) << "final sync d" << i;
  }
  std::string story;
  for (const auto& line : log) story += line + "\n";
  nlohmann::json first = FullView(*d[0]);
  nlohmann::json info0 = VaultInfo(*d[0]);
  for (int i = 1; i < kDevices; ++i) {
    nlohmann::json view = FullView(*d[i]);
    EXPECT_EQ(view, first) << "device " << i << " differs from device 0 (seed " << seed
                           << ")\ndevice 0:\n" << first.dump(1) << "\ndevice " << i << ":\n"
                           << view.dump(1) << "\noperations:\n" << story;
    // Entries deleted everywhere: `show` answers the same on every device.
    for (const auto& [id, type] : type_of) {
      if (first["show"].contains(id)) continue;
      RunResult s0 = d[0]->Run({"--format", "json", "show", id});
      RunResult si = d[i]->Run({"--format", "json", "show", id});
      EXPECT_EQ(si.exit_code, s0.exit_code) << s0 << si;
      EXPECT_EQ(si.out, s0.out) << "deleted entry " << id << " differs" << s0 << si;
    }
    nlohmann::json info = VaultInfo(*d[i]);
    EXPECT_EQ(info["heads"], info0["heads"]);
    EXPECT_EQ(info.value("records", -1), info0.value("records", -2));
    EXPECT_EQ(info.value("entries", -1), info0.value("entries", -2));
  }
  for (int i = 0; i < kDevices; ++i) DoctorClean(*d[i]);
}

}  // namespace
}  // namespace haven::e2e
