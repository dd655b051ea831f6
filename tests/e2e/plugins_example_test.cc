// The out-of-tree example plugin (plugins/examples/): installed SDK, built
// with find_package(haven), loaded by a real havend through --plugin-dir, and
// used through the real CLI: listed, validate refuses with the plugin's own
// message, derive fills "derived", summarize feeds `haven stats`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"
#include "tests/e2e/plugin_harness.h"

namespace haven::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

RunResult Cmake(const std::vector<std::string>& args) {
  RunOptions options;
  options.timeout = Duration(120000);
  return RunProgram(CmakeCommand(), args, options);
}

// Installs haven's plugin SDK into `prefix` and builds the out-of-tree
// example against it in `build`.
void BuildExample(const std::string& prefix, const std::string& build) {
  RunResult install =
      Cmake({"--install", BuildDir(), "--prefix", prefix, "--component", "haven_plugins"});
  ASSERT_EQ(install.exit_code, 0) << install;
  ASSERT_TRUE(fs::exists(prefix + "/include/haven/plugin.h")) << install;

  RunResult configure = Cmake({"-S", ExampleSourceDir(), "-B", build, "-G", CmakeGenerator(),
                               "-DCMAKE_PREFIX_PATH=" + prefix, "-DCMAKE_BUILD_TYPE=Release"});
  ASSERT_EQ(configure.exit_code, 0) << configure;
  RunResult compile = Cmake({"--build", build});
  ASSERT_EQ(compile.exit_code, 0) << compile;
  ASSERT_TRUE(fs::exists(build + "/walk.so")) << compile;
}

// The schema's own rules, then the plugin's cross-field validate.
void ExpectWalksOutOfRangeRefused(const TestHome& home) {
  int64_t records = home.Records();
  RunResult bad = home.Run({"log", "walk", "-f", "minutes=10", "-f", "steps=9000", "-f",
                            "calm_before=3", "-f", "calm_after=7"});
  EXPECT_EQ(bad.exit_code, 2) << bad;
  EXPECT_THAT(bad.err, HasSubstr("field \"steps\": 9000 steps in 10 minutes is more than 250 a "
                                 "minute"))
      << bad;
  EXPECT_EQ(bad.ErrLines(), 1) << bad;
  RunResult range =
      home.Run({"log", "walk", "-f", "minutes=601", "-f", "calm_before=3", "-f", "calm_after=7"});
  EXPECT_EQ(range.exit_code, 2) << range;
  EXPECT_THAT(range.err, HasSubstr("\"minutes\"")) << range;
  EXPECT_EQ(home.Records(), records) << "a refused walk was written";
}

// The plugin's derive: calm_change always, steps_per_minute when steps
// are given.
void ExpectWalksDerived(const TestHome& home) {
  std::string id = home.Log({"walk", "-f", "minutes=30", "-f", "steps=3000", "-f", "calm_before=3",
                             "-f", "calm_after=7"});
  ASSERT_FALSE(id.empty());
  nlohmann::json e = ShowEntry(home, id);
  EXPECT_EQ(e["type"], "walk");
  EXPECT_EQ(e["type_version"], 1);
  EXPECT_EQ(e["derived"]["calm_change"], 4) << e.dump();
  ASSERT_TRUE(e["derived"]["steps_per_minute"].is_number()) << e.dump();
  EXPECT_DOUBLE_EQ(e["derived"]["steps_per_minute"].get<double>(), 100.0);
  std::string id2 =
      home.Log({"walk", "-f", "minutes=20", "-f", "calm_before=5", "-f", "calm_after=4"});
  ASSERT_FALSE(id2.empty());
  e = ShowEntry(home, id2);
  EXPECT_EQ(e["derived"]["calm_change"], -1) << e.dump();
  EXPECT_FALSE(e["derived"].contains("steps_per_minute")) << e.dump();
}

// The plugin's summarize of the two walks above: (4 + -1) / 2 = +1.5 over
// 50 minutes.
void ExpectWalksSummarized(const TestHome& home) {
  const std::string line = "2 mindful walks, 50 minutes in all; calm changed by +1.5 on average";
  nlohmann::json stats = home.Json({"stats"});
  ASSERT_TRUE(stats.is_object()) << stats.dump();
  ASSERT_TRUE(stats["summaries"].contains("walk")) << stats.dump();
  EXPECT_EQ(stats["summaries"]["walk"], nlohmann::json::array({line})) << stats.dump();
  EXPECT_EQ(stats["by_type"]["walk"], 2) << stats.dump();
  RunResult text = home.Run({"--format", "table", "stats"});
  ASSERT_EQ(text.exit_code, 0) << text;
  EXPECT_THAT(text.out, HasSubstr(line)) << text;
  RunResult only = home.Run({"--format", "json", "stats", "--type", "walk"});
  ASSERT_EQ(only.exit_code, 0) << only;
  EXPECT_EQ(only.JsonOut()["summaries"]["walk"], nlohmann::json::array({line})) << only;
}

TEST(PluginsE2eExample, OutOfTreeExampleLoadsIntoARealDaemon) {
  TempDir work;
  ASSERT_FALSE(work.path().empty());
  const std::string prefix = work.path() + "/prefix";
  const std::string build = work.path() + "/example-build";
  ASSERT_NO_FATAL_FAILURE(BuildExample(prefix, build));

  TestHome home;
  auto daemon = DaemonProcess::Start({"--home", home.path(), "--plugin-dir", build});
  ASSERT_TRUE(WaitUntil([&] { return home.DaemonRunning(); })) << daemon->Output();
  ASSERT_TRUE(home.Init().is_object()) << daemon->Output();
  ASSERT_EQ(home.DaemonPid(), daemon->pid()) << "init did not use the daemon started by the test";

  // Listed, with the built library as its source, beside the built-ins.
  nlohmann::json types = TypesJson(home);
  nlohmann::json walk = FindById(types, "walk");
  ASSERT_TRUE(walk.is_object()) << types.dump() << daemon->Output();
  EXPECT_EQ(walk.value("source", ""), build + "/walk.so");
  EXPECT_EQ(walk.value("title", ""), "Mindful walk");
  EXPECT_TRUE(FindById(types, "scs-sf").is_object());
  RunResult table = home.Run({"--format", "table", "types"});
  EXPECT_THAT(table.out, HasSubstr("walk")) << table;
  EXPECT_THAT(table.out, ::testing::Not(HasSubstr("skipped:"))) << table;

  ASSERT_NO_FATAL_FAILURE(ExpectWalksOutOfRangeRefused(home));
  ASSERT_NO_FATAL_FAILURE(ExpectWalksDerived(home));
  ASSERT_NO_FATAL_FAILURE(ExpectWalksSummarized(home));

  // The daemon the test started is the one serving, and stops cleanly.
  EXPECT_EQ(home.DaemonPid(), daemon->pid());
  EXPECT_EQ(daemon->Terminate(), 0) << daemon->Output();
}

}  // namespace
}  // namespace haven::e2e
