// No decrypted type name, field name or title reaches havend.log (or any
// other file a locked disk shows): a custom type shared through the vault
// that this device cannot adopt is reported without its name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "tests/e2e/harness.h"

namespace haven::e2e {
namespace {

namespace fs = std::filesystem;

// A marker that is a valid type id or field name: 26 of [a-z0-9].
std::string IdMarker() {
  static std::mt19937_64 rng(std::random_device{}());
  static const char kAlphabet[] = "abcdefghijkmnopqrstuvwxyz23456789";
  std::string out = "hvmark";
  for (int i = 0; i < 20; ++i) out += kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
  return out;
}

// Paths of the regular files under `dir` holding `marker`.
std::vector<std::string> FilesContaining(const std::string& dir, const std::string& marker) {
  std::vector<std::string> hits;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec) &&
        ReadFile(it->path().string()).find(marker) != std::string::npos) {
      hits.push_back(it->path().string());
    }
  }
  return hits;
}

TEST(LogPrivacyTest, UnadoptableVaultTypeIsLoggedWithoutItsName) {
  TestHome home;
  home.Init();
  home.Log({"checkin", "-f", "mood=5"});
  const std::string type_id = IdMarker(), field = IdMarker(), title = IdMarker();
  // The manifest lives outside the home, and is gone before the scan.
  std::string manifests = fs::temp_directory_path() / ("hv-forge-" + type_id);
  fs::create_directories(manifests);
  WriteFile(manifests + "/custom.json",
            nlohmann::json({{"haven_plugin", 1},
                            {"types",
                             {{{"id", type_id},
                               {"title", title},
                               {"fields", {{{"name", field}, {"type", "string"}}}}}}}})
                .dump());
  home.StopDaemon();
  RunResult forged = RunProgram(FORGE_VAULT_TYPE_TOOL, {home.path(), manifests, home.passphrase()});
  fs::remove_all(manifests);
  ASSERT_EQ(forged.exit_code, 0) << forged;

  // Unlocking opens the journal, which meets the type it cannot adopt.
  RunResult list = home.Run({"list"});
  ASSERT_EQ(list.exit_code, 0) << list;
  std::string log = ReadFile(home.path() + "/havend.log");
  ASSERT_THAT(log, ::testing::HasSubstr("vault type skipped")) << log;
  home.StopDaemon();

  for (const std::string& marker : {type_id, field, title}) {
    EXPECT_THAT(log, ::testing::Not(::testing::HasSubstr(marker))) << log;
    std::vector<std::string> hits = FilesContaining(home.root(), marker);
    EXPECT_TRUE(hits.empty()) << marker << " in plaintext on disk:\n"
                              << ::testing::PrintToString(hits);
  }
}

}  // namespace
}  // namespace haven::e2e
