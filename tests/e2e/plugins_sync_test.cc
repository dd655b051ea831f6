// Manifest types travel through the vault: a custom type defined in device
// 1's $HAVEN_HOME/plugins is sealed into the vault on unlock and reaches a
// second device joined through a hub. Entries of a type a device does not
// know still list, show and export with their raw fields.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"
#include "tests/e2e/plugin_harness.h"

namespace haven::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kToken[] = "plugin-sync-hub-token-0123456789";

nlohmann::json GratitudeManifest(const std::string& title) {
  return {{"haven_plugin", 1},
          {"types",
           {{{"id", "gratitude"},
             {"version", 1},
             {"title", title},
             {"fields",
              {{{"name", "first"}, {"type", "string"}, {"required", true}},
               {{"name", "warmth"}, {"type", "scale"}, {"min", 0}, {"max", 10}}}}}}}};
}

nlohmann::json LocalOnlyManifest() {
  return {{"haven_plugin", 1},
          {"types",
           {{{"id", "local-only"},
             {"version", 3},
             {"title", "Only on device 1"},
             {"fields",
              {{{"name", "what"}, {"type", "string"}, {"required", true}},
               {{"name", "score"}, {"type", "integer"}, {"min", 0}, {"max", 9}}}}}}}};
}

// A hub on a free loopback port, with its home and token file in `dir`.
class Hub {
 public:
  explicit Hub(const std::string& dir) {
    fs::create_directories(dir);
    WriteFile(dir + "/token", kToken);
    port_ = PickFreeLoopbackPort();
    process_ = DaemonProcess::Start(
        {"--home", dir + "/home", "--hub", "--listen", address(), "--token-file", dir + "/token"});
  }
  bool Ready() { return process_ && WaitForTcpPort(port_); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string Output() const { return process_ ? process_->Output() : ""; }

 private:
  int port_ = 0;
  std::unique_ptr<DaemonProcess> process_;
};

void ExpectOk(const RunResult& r) { EXPECT_EQ(r.exit_code, 0) << r; }

// The manifest appears on disk while the daemon is down; unlocking
// publishes it into the vault as one sealed record.
void PublishGratitudeType(TestHome& d1, const std::string& title) {
  d1.StopDaemon();
  WriteManifest(HomePluginDir(d1), "gratitude.json", GratitudeManifest(title));
  int64_t records = d1.Records();
  ExpectOk(d1.Run({"lock"}));
  ExpectOk(d1.Run({"unlock"}));
  EXPECT_EQ(d1.Records(), records + 1) << "unlock did not publish the custom type";
  // Publishing again without a change adds nothing.
  ExpectOk(d1.Run({"types", "reload"}));
  EXPECT_EQ(d1.Records(), records + 1);
  // Sealed: the title is on disk only in the manifest itself.
  for (const auto& file : FilesContaining(d1.path(), title)) {
    EXPECT_EQ(file, HomePluginDir(d1) + "/gratitude.json") << "plaintext type definition";
  }
}

TEST(PluginsE2eSync, ManifestTypeReachesASecondDeviceThroughTheVault) {
  TestHome d1, d2;
  nlohmann::json init = d1.Init();
  ASSERT_TRUE(init.is_object());
  const std::string title = std::string("Three good ") + "things " + std::to_string(getpid());

  ASSERT_NO_FATAL_FAILURE(PublishGratitudeType(d1, title));
  std::string id1 = d1.Log({"gratitude", "-f", "first=sunlight", "-f", "warmth=6"});
  ASSERT_FALSE(id1.empty());

  Hub hub(d1.Scratch("hub"));
  ASSERT_TRUE(hub.Ready()) << hub.Output();
  ExpectOk(d1.Run({"remote", "add", "hub", hub.address(), "--token", kToken}));
  ExpectOk(d1.Run({"sync"}));

  RunResult join =
      d2.Run({"join", hub.address(), "--vault", init["vault_id"].get<std::string>(), "--secret-key",
              init["secret_key"].get<std::string>(), "--token", kToken});
  ASSERT_EQ(join.exit_code, 0) << join << hub.Output();
  ExpectOk(d2.Run({"sync"}));

  nlohmann::json t = FindById(TypesJson(d2), "gratitude");
  ASSERT_TRUE(t.is_object()) << "the custom type did not reach device 2";
  EXPECT_EQ(t.value("source", ""), "vault:" + init["device_id"].get<std::string>()) << t.dump();
  EXPECT_EQ(t.value("title", ""), title);
  nlohmann::json shown = d2.Json({"types", "show", "gratitude"});
  EXPECT_EQ(shown["fields"].size(), 2u) << shown.dump();

  // Device 2 has device 1's entry, and logs its own, checked by the rules.
  EXPECT_EQ(ShowEntry(d2, id1)["fields"]["first"], "sunlight");
  RunResult bad = d2.Run({"log", "gratitude", "-f", "first=x", "-f", "warmth=11"});
  EXPECT_EQ(bad.exit_code, 2) << bad;
  EXPECT_THAT(bad.err, HasSubstr("\"warmth\"")) << bad;
  std::string id2 = d2.Log({"gratitude", "-f", "first=a call from Ana", "-f", "warmth=8"});
  ASSERT_FALSE(id2.empty());
  ExpectOk(d2.Run({"sync"}));
  ExpectOk(d1.Run({"sync"}));
  nlohmann::json back = ShowEntry(d1, id2);
  EXPECT_EQ(back["type"], "gratitude");
  EXPECT_EQ(back["fields"]["warmth"], 8) << back.dump();

  // A restart of device 2 keeps the vault type once unlocked (it is in the
  // vault, not in device 2's plugins directory).
  d2.StopDaemon();
  EXPECT_FALSE(fs::exists(HomePluginDir(d2) + "/gratitude.json"));
  ExpectOk(d2.Run({"unlock"}));
  EXPECT_TRUE(FindById(TypesJson(d2), "gratitude").is_object());
  EXPECT_FALSE(d2.Log({"gratitude", "-f", "first=after a restart"}).empty());
}

// Entries of a type a device does not have: raw fields, never dropped.
void ExpectRawEntry(const TestHome& home, const std::string& id) {
  SCOPED_TRACE(home.path());
  std::vector<nlohmann::json> listed = ListEntries(home);
  ASSERT_EQ(Ids(listed), std::vector<std::string>{id});
  EXPECT_EQ(listed[0]["type"], "local-only");
  nlohmann::json e = ShowEntry(home, id);
  EXPECT_EQ(e["type"], "local-only") << e.dump();
  EXPECT_EQ(e["type_version"], 3) << e.dump();
  EXPECT_EQ(e["fields"]["what"], "a raw value") << e.dump();
  EXPECT_EQ(e["fields"]["score"], 7) << e.dump();
  RunResult table = home.Run({"show", id});
  EXPECT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(table.out, HasSubstr("a raw value")) << table;
  RunResult exported = home.Run({"export", "--format", "json"});
  ASSERT_EQ(exported.exit_code, 0) << exported;
  nlohmann::json all = exported.JsonOut();
  ASSERT_TRUE(all.is_array() && all.size() == 1) << exported;
  EXPECT_EQ(all[0]["id"], id);
  EXPECT_EQ(all[0]["type"], "local-only");
  EXPECT_EQ(all[0]["fields"], e["fields"]);
  RunResult csv = home.Run({"export", "--format", "csv"});
  EXPECT_EQ(csv.exit_code, 0) << csv;
  EXPECT_THAT(csv.out, HasSubstr("local-only")) << csv;
  RunResult stats = home.Run({"--format", "json", "stats"});
  EXPECT_EQ(stats.exit_code, 0) << stats;
  RunResult doctor = home.Run({"doctor"});
  EXPECT_EQ(doctor.exit_code, 0) << doctor;
  // It cannot be logged anew here.
  RunResult log = home.Run({"log", "local-only", "-f", "what=x"});
  EXPECT_EQ(log.exit_code, 2) << log;
}

TEST(PluginsE2eSync, EntriesOfAnUnknownTypeStillListShowAndExport) {
  TestHome d1, d2;
  nlohmann::json init = d1.Init();
  ASSERT_TRUE(init.is_object());
  d1.StopDaemon();
  // Device 1 runs with an extra --plugin-dir: its types are native to this
  // device's configuration and are not published into the vault.
  const std::string extra = d1.Scratch("extra-plugins");
  WriteManifest(extra, "local-only.json", LocalOnlyManifest());
  auto daemon = DaemonProcess::Start({"--home", d1.path(), "--plugin-dir", extra});
  ASSERT_TRUE(WaitUntil([&] { return d1.DaemonRunning(); })) << daemon->Output();
  ExpectOk(d1.Run({"unlock"}));
  nlohmann::json t = FindById(TypesJson(d1), "local-only");
  ASSERT_TRUE(t.is_object()) << daemon->Output();
  EXPECT_EQ(t.value("source", ""), extra + "/local-only.json");
  std::string id = d1.Log({"local-only", "-f", "what=a raw value", "-f", "score=7"});
  ASSERT_FALSE(id.empty());

  Hub hub(d1.Scratch("hub"));
  ASSERT_TRUE(hub.Ready()) << hub.Output();
  ExpectOk(d1.Run({"remote", "add", "hub", hub.address(), "--token", kToken}));
  ExpectOk(d1.Run({"sync"}));
  RunResult join =
      d2.Run({"join", hub.address(), "--vault", init["vault_id"].get<std::string>(), "--secret-key",
              init["secret_key"].get<std::string>(), "--token", kToken});
  ASSERT_EQ(join.exit_code, 0) << join << hub.Output();
  ExpectOk(d2.Run({"sync"}));

  // Device 2 never had the type.
  EXPECT_TRUE(FindById(TypesJson(d2), "local-only").is_null());
  ExpectRawEntry(d2, id);

  // Device 1 restarted without the plugin dir: the same.
  EXPECT_EQ(daemon->Terminate(), 0) << daemon->Output();
  EXPECT_TRUE(FindById(TypesJson(d1), "local-only").is_null());
  ExpectRawEntry(d1, id);

  // The raw entry survives edits of other entries and another sync round,
  // and is never rewritten.
  nlohmann::json before = ShowEntry(d2, id);
  ExpectOk(d2.Run({"sync"}));
  ExpectOk(d1.Run({"sync"}));
  EXPECT_EQ(ShowEntry(d2, id), before);
  EXPECT_EQ(ShowEntry(d1, id)["updated"], before["updated"]);
}

}  // namespace
}  // namespace haven::e2e
