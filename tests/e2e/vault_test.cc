// haven init, lock/unlock, passphrase sources, vault info and doctor.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "tests/e2e/harness.h"

namespace haven::e2e {
namespace {

constexpr char kNoPassphrase[] = "HAVEN_PASSPHRASE";

// With neither passphrase variable, a locked vault cannot be opened.
EnvOverrides NoPassphrase() {
  return {{kNoPassphrase, std::nullopt}, {"HAVEN_PASSPHRASE_FILE", std::nullopt}};
}

TEST(InitTest, TextOutputShowsVaultIdDeviceIdAndSecretKey) {
  TestHome home;
  RunResult r = home.Run({"init"});
  ASSERT_EQ(r.exit_code, 0) << r;
  nlohmann::json info = home.Json({"vault", "info"});
  ASSERT_TRUE(info.is_object());
  std::string vault_id = info.value("vault_id", "");
  ASSERT_FALSE(vault_id.empty());
  EXPECT_NE(r.out.find(vault_id), std::string::npos) << "vault id missing from init output" << r;
  EXPECT_NE(r.out.find(info.value("device_id", "")), std::string::npos) << r;
  // The Secret Key is printed in groups people can copy.
  std::smatch m;
  EXPECT_TRUE(std::regex_search(r.out, m, std::regex("Secret Key\\s+(\\S+(-\\S+){2,})"))) << r;
}

TEST(InitTest, JsonFormatGivesVaultIdDeviceIdAndSecretKey) {
  TestHome home;
  nlohmann::json init = home.Init();
  ASSERT_TRUE(init.is_object()) << init.dump();
  for (const char* key : {"vault_id", "device_id", "secret_key"}) {
    ASSERT_TRUE(init.contains(key) && init[key].is_string()) << key << " in " << init.dump();
    EXPECT_FALSE(init[key].get<std::string>().empty()) << key;
  }
  // At least 128 random bits: 26+ base32 characters, ignoring separators.
  std::string key = init["secret_key"];
  key.erase(std::remove(key.begin(), key.end(), '-'), key.end());
  EXPECT_GE(key.size(), 26u) << init.dump();
  nlohmann::json info = home.Json({"vault", "info"});
  EXPECT_EQ(info.value("vault_id", ""), init["vault_id"]);
  EXPECT_EQ(info.value("device_id", ""), init["device_id"]);
}

TEST(InitTest, SecondInitFailsWithExit1AndChangesNothing) {
  TestHome home;
  nlohmann::json first = home.Init();
  std::string id = home.Log({"mindfulness", "-f", "minutes=12"});
  int64_t records = home.Records();

  RunResult again =
      home.Run({"--format", "json", "init"}, {{"HAVEN_PASSPHRASE", "a-different-passphrase"}});
  EXPECT_EQ(again.exit_code, 1) << again;
  EXPECT_EQ(again.ErrLines(), 1) << again;
  EXPECT_EQ(again.out.find("secret_key"), std::string::npos) << "a new key was printed" << again;

  nlohmann::json info = home.Json({"vault", "info"});
  EXPECT_EQ(info.value("vault_id", ""), first["vault_id"]);
  EXPECT_EQ(info.value("device_id", ""), first["device_id"]);
  EXPECT_EQ(info.value("records", int64_t{-1}), records);
  // The original passphrase still opens the vault; the entry is intact.
  ASSERT_EQ(home.Run({"lock"}).exit_code, 0);
  RunResult show = home.Run({"--format", "json", "show", id});
  ASSERT_EQ(show.exit_code, 0) << show;
  EXPECT_EQ(show.JsonOut()["fields"]["minutes"], 12);
}

TEST(LockTest, LockedVaultWithoutPassphraseExits3AndWritesNothing) {
  TestHome home;
  home.Init();
  home.Log({"mindfulness", "-f", "minutes=5"});
  ASSERT_EQ(home.Run({"lock"}).exit_code, 0);
  int64_t records = home.Records();

  RunResult list = home.Run({"list"}, NoPassphrase());
  EXPECT_EQ(list.exit_code, 3) << list;
  EXPECT_EQ(list.ErrLines(), 1) << list;
  EXPECT_TRUE(list.out.empty()) << list;

  RunResult log = home.Run({"log", "mindfulness", "-f", "minutes=9"}, NoPassphrase());
  EXPECT_EQ(log.exit_code, 3) << log;
  EXPECT_EQ(log.ErrLines(), 1) << log;
  EXPECT_EQ(home.Records(), records);
}

TEST(LockTest, WrongPassphraseExits3AndTouchesNothing) {
  TestHome home;
  home.Init();
  std::string id = home.Log({"checkin", "-f", "mood=6"});
  ASSERT_EQ(home.Run({"lock"}).exit_code, 0);
  int64_t records = home.Records();

  RunResult log =
      home.Run({"log", "checkin", "-f", "mood=7"}, {{"HAVEN_PASSPHRASE", "wrong-horse-battery"}});
  EXPECT_EQ(log.exit_code, 3) << log;
  EXPECT_EQ(log.ErrLines(), 1) << log;
  RunResult edit =
      home.Run({"edit", id, "-f", "mood=1"}, {{"HAVEN_PASSPHRASE", "wrong-horse-battery"}});
  EXPECT_EQ(edit.exit_code, 3) << edit;
  RunResult unlock = home.Run({"unlock"}, {{"HAVEN_PASSPHRASE", "wrong-horse-battery"}});
  EXPECT_EQ(unlock.exit_code, 3) << unlock;
  EXPECT_EQ(home.Records(), records);

  // Still locked: nothing was cached by the failed attempts.
  EXPECT_EQ(home.Run({"list"}, NoPassphrase()).exit_code, 3);
  // The right passphrase sees exactly the one entry, unchanged.
  RunResult list = home.Run({"list", "--format", "jsonl"});
  ASSERT_EQ(list.exit_code, 0) << list;
  auto entries = list.JsonLines();
  ASSERT_EQ(entries.size(), 1u) << list;
  EXPECT_EQ(entries[0]["fields"]["mood"], 6);
}

TEST(LockTest, PassphraseFileUnlocksAndTakesPrecedenceOverVariable) {
  TestHome home;
  home.Init();
  std::string id = home.Log({"mindfulness", "-f", "minutes=3"});
  ASSERT_EQ(home.Run({"lock"}).exit_code, 0);
  std::string file = home.Scratch("passphrase.txt");
  WriteFile(file, std::string(kPassphrase) + "\n");

  // The order of docs/commands.md, "The passphrase": a TTY prompt, else the
  // file, else the variable.
  RunResult show =
      home.Run({"--format", "json", "show", id},
               {{"HAVEN_PASSPHRASE_FILE", file}, {"HAVEN_PASSPHRASE", "wrong-horse-battery"}});
  ASSERT_EQ(show.exit_code, 0) << show;
  EXPECT_EQ(show.JsonOut()["id"], id);
}

TEST(LockTest, UnlockCachesKeyUntilLock) {
  TestHome home;
  home.Init();
  home.Log({"mindfulness", "-f", "minutes=3"});
  ASSERT_EQ(home.Run({"lock"}).exit_code, 0);
  EXPECT_EQ(home.Run({"list"}, NoPassphrase()).exit_code, 3);

  RunResult unlock = home.Run({"unlock", "--timeout", "15m"});
  ASSERT_EQ(unlock.exit_code, 0) << unlock;
  RunResult list = home.Run({"list"}, NoPassphrase());
  EXPECT_EQ(list.exit_code, 0) << list;
  EXPECT_EQ(list.JsonLines().size(), 1u);

  ASSERT_EQ(home.Run({"lock"}).exit_code, 0);
  EXPECT_EQ(home.Run({"list"}, NoPassphrase()).exit_code, 3);
  EXPECT_EQ(home.Run({"unlock", "--timeout", "soon"}).exit_code, 2);
}

TEST(LockTest, TerminalPromptReadsPassphraseWithoutEcho) {
  TestHome home;
  home.Init();
  home.Log({"mindfulness", "-f", "minutes=3"});
  ASSERT_EQ(home.Run({"lock"}).exit_code, 0);
  RunResult r = home.RunOnTerminal(
      {"list", "--format", "jsonl"},
      {{"Passphrase", std::string(kPassphrase) + "\n", /*wait_for_no_echo=*/true}}, NoPassphrase());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.JsonLines().size(), 1u) << r;
  EXPECT_EQ(r.err.find(kPassphrase), std::string::npos) << "the passphrase was echoed" << r;
}

// Locking gives the daemon's memory back: the journal and its index go,
// the store's cached blocks are dropped and its memtables written out. The
// daemon keeps serving, and everything is there at the next unlock and
// after a restart.
TEST(LockTest, DaemonKeepsServingAfterLockAndUnlocksWithEverything) {
  TestHome home;
  home.Init();
  std::string lines;
  for (int i = 0; i < 300; ++i) {
    lines += R"({"type":"checkin","at":"2026-01-01T08:00:00Z","fields":{"mood":)" +
             std::to_string(i % 10 + 1) + "}}\n";
  }
  std::string file = home.Scratch("entries.jsonl");
  WriteFile(file, lines);
  ASSERT_EQ(home.Run({"import", file}).exit_code, 0);
  ASSERT_EQ(home.Run({"stats"}).exit_code, 0);
  ASSERT_EQ(home.Run({"export", "-o", home.Scratch("export.json")}).exit_code, 0);
  std::string last = home.Log({"checkin", "-f", "mood=7"});
  std::optional<pid_t> pid = home.DaemonPid();
  ASSERT_TRUE(pid.has_value());

  ASSERT_EQ(home.Run({"lock"}).exit_code, 0);
  nlohmann::json status = home.Json({"daemon", "status"});
  EXPECT_EQ(status.value("unlocked", true), false) << status.dump();
  EXPECT_EQ(home.Run({"list"}, NoPassphrase()).exit_code, 3);
  EXPECT_GE(home.Records(), 301);

  RunResult list = home.Run({"--format", "jsonl", "list"});
  ASSERT_EQ(list.exit_code, 0) << list;
  EXPECT_EQ(list.JsonLines().size(), 301u);
  EXPECT_EQ(home.Json({"show", last})["fields"]["mood"], 7);
  EXPECT_EQ(home.Json({"doctor"}).value("ok", false), true);
  EXPECT_EQ(home.DaemonPid(), pid) << "the same daemon served throughout";

  // Lock and unlock in quick turns while the released memory is still
  // being given back.
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(home.Run({"lock"}).exit_code, 0);
    home.Log({"checkin", "-f", "mood=3"});
  }
  home.StopDaemon();
  EXPECT_EQ(home.Run({"--format", "jsonl", "list"}).JsonLines().size(), 304u);
}

// The idle lock (--lock-after) gives memory back the same way.
TEST(LockTest, IdleLockForgetsTheKeyAndGivesMemoryBack) {
  TestHome home;
  home.Init();
  std::string id = home.Log({"checkin", "-f", "mood=6"});
  home.StopDaemon();
  auto daemon =
      DaemonProcess::Start({"--home", home.path(), "--lock-after", "1s", "--log-level", "debug"});
  ASSERT_TRUE(WaitUntil([&] {
    return home.Run({"daemon", "status"}).exit_code == 0;
  })) << daemon->Output();
  ASSERT_EQ(home.Run({"unlock"}).exit_code, 0);

  EXPECT_TRUE(WaitUntil([&] {
    return home.Json({"daemon", "status"}).value("unlocked", true) == false;
  })) << "never locked itself";
  EXPECT_TRUE(WaitUntil([&] {
    return daemon->Output().find("msg=\"memory released\" after=lock") != std::string::npos;
  })) << daemon->Output();
  EXPECT_EQ(home.Run({"show", id}, NoPassphrase()).exit_code, 3);
  RunResult show = home.Run({"--format", "json", "show", id});
  ASSERT_EQ(show.exit_code, 0) << show;
  EXPECT_EQ(show.JsonOut()["fields"]["mood"], 6);
  EXPECT_TRUE(daemon->Running());
}

TEST(VaultInfoTest, JsonHasSpecKeysAndCounts) {
  TestHome home;
  nlohmann::json init = home.Init();
  home.Log({"mindfulness", "-f", "minutes=3"});
  home.Log({"checkin", "-f", "mood=4"});
  nlohmann::json info = home.Json({"vault", "info"});
  ASSERT_TRUE(info.is_object());
  for (const char* key : {"vault_id", "device_id", "entries", "records"}) {
    EXPECT_TRUE(info.contains(key)) << key << " missing: " << info.dump();
  }
  EXPECT_EQ(info.value("vault_id", ""), init["vault_id"]);
  EXPECT_EQ(info.value("entries", -1), 2) << info.dump();
  EXPECT_GE(info.value("records", -1), 2) << info.dump();

  RunResult table = home.Run({"vault", "info"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_NE(table.out.find(init["vault_id"].get<std::string>()), std::string::npos) << table;
}

TEST(DoctorTest, HealthyStorePassesAfterEveryKindOfChange) {
  TestHome home;
  home.Init();
  std::string a = home.Log({"mindfulness", "-f", "minutes=3", "--tag", "x"});
  std::string b = home.Log({"checkin", "-f", "mood=4"});
  ASSERT_EQ(home.Run({"edit", a, "-f", "minutes=4"}).exit_code, 0);
  ASSERT_EQ(home.Run({"rm", b}).exit_code, 0);
  ASSERT_EQ(home.Run({"restore", b}).exit_code, 0);

  RunResult doctor = home.Run({"doctor"});
  EXPECT_EQ(doctor.exit_code, 0) << doctor;
  nlohmann::json report = home.Json({"doctor"});
  EXPECT_EQ(report.value("ok", false), true) << report.dump();
}

}  // namespace
}  // namespace haven::e2e
