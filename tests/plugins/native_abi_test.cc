// The native plugin ABI: version checks, entry points, schemas, collisions,
// and every callback path through the host's trampolines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugin_test_util.h"
#include "server/plugins/native_plugin.h"
#include "server/plugins/type_registry.h"

namespace haven {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::LinkTestPlugin;
using testing::Message;
using testing::ScratchDir;
using testing::WriteFile;

std::string LoadProblem(const std::string& name) {
  auto plugin = LoadNativePlugin(std::string(HAVEN_TEST_PLUGIN_DIR) + "/" + name + ".so");
  EXPECT_FALSE(plugin.ok()) << name;
  return plugin.ok() ? "" : Message(plugin.status());
}

TEST(NativeAbiTest, VersionAndEntryPointChecks) {
  EXPECT_EQ(LoadProblem("wrong_major"),
            "incompatible plugin ABI version (plugin ABI 99.0, this haven speaks " +
                std::to_string(HAVEN_PLUGIN_ABI_MAJOR) + "." +
                std::to_string(HAVEN_PLUGIN_ABI_MINOR) + ")");
  EXPECT_THAT(LoadProblem("newer_minor"), HasSubstr("needs a newer haven"));
  EXPECT_EQ(LoadProblem("no_init"), "no haven_plugin_init entry point");
  EXPECT_EQ(LoadProblem("bad_schema"),
            "invalid schema: type \"probe-ok\": field \"level\": scale needs both \"min\" and "
            "\"max\"");
  auto ok = LoadNativePlugin(std::string(HAVEN_TEST_PLUGIN_DIR) + "/probe_ok.so");
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->types.size(), 1u);
  EXPECT_TRUE(ok->types[0].native);
  EXPECT_EQ(ok->bindings[0]->ops.validate, nullptr);  // NULL ops: nothing provided
}

TEST(NativeAbiTest, BadPluginsAreReportedAndSkipped) {
  ScratchDir tmp;
  std::string dir = tmp.Sub("p");
  for (const char* name :
       {"wrong_major", "newer_minor", "no_init", "bad_schema", "probe_ok", "dup_checkin"}) {
    LinkTestPlugin(name, dir);
  }
  WriteFile(dir + "/garbage.so", "this is not an ELF file");
  std::filesystem::create_symlink("/lib/x86_64-linux-gnu/libm.so.6", dir + "/libm.so");
  auto registry =
      TypeRegistry::Create({{HAVEN_BUILTIN_NATIVE_DIR}, {HAVEN_BUILTIN_MANIFEST_DIR, dir}});
  ASSERT_NE(registry->Find("probe-ok"), nullptr);
  ASSERT_NE(registry->Find("checkin"), nullptr);
  EXPECT_FALSE(registry->Find("checkin")->native);  // the built-in manifest came first
  std::map<std::string, std::string> problems;
  for (const PluginProblem& p : registry->Problems()) {
    problems[std::filesystem::path(p.source).filename()] = p.reason;
  }
  EXPECT_THAT(problems["wrong_major.so"], HasSubstr("incompatible plugin ABI version"));
  EXPECT_THAT(problems["newer_minor.so"], HasSubstr("needs a newer haven"));
  EXPECT_THAT(problems["no_init.so"], HasSubstr("no haven_plugin_init"));
  EXPECT_THAT(problems["bad_schema.so"], HasSubstr("invalid schema"));
  EXPECT_THAT(problems["dup_checkin.so"], HasSubstr("type \"checkin\" is already defined by"));
  EXPECT_THAT(problems["garbage.so"], HasSubstr("could not load"));
  EXPECT_THAT(problems["libm.so"], HasSubstr("not a haven plugin"));
  EXPECT_EQ(problems.size(), 7u);
  registry->Reload();  // loaded libraries are reused, not initialised twice
  EXPECT_EQ(registry->Problems().size(), 7u);
  EXPECT_NE(registry->Find("probe-ok"), nullptr);
}

class CallbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LinkTestPlugin("callbacks", tmp_.Sub("p"));
    registry_ = TypeRegistry::Create({{tmp_.path() + "/p"}, {}});
    type_ = registry_->Find("probe");
    ASSERT_NE(type_, nullptr) << (registry_->Problems().empty() ? ""
                                                                : registry_->Problems()[0].reason);
  }
  absl::Status ValidateN(int n) { return registry_->Validate(*type_, json{{"n", n}}).status(); }
  ScratchDir tmp_;
  std::unique_ptr<TypeRegistry> registry_;
  std::shared_ptr<const ExerciseType> type_;
};

TEST_F(CallbackTest, ValidateErrorsBecomeInvalidArgument) {
  EXPECT_TRUE(ValidateN(5).ok());
  absl::Status s = ValidateN(1);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(s), "n must not be 1, says the probe");
  EXPECT_EQ(Message(ValidateN(2)), "probe threw on purpose");  // caught by the SDK's Guard
  EXPECT_EQ(Message(ValidateN(3)), "the probe plugin failed unexpectedly");  // host trampoline
  EXPECT_EQ(Message(ValidateN(4)), "the probe plugin reported an error");
  // Schema checks run before the plugin sees anything.
  EXPECT_THAT(Message(registry_->Validate(*type_, json{{"n", "x"}}).status()),
              HasSubstr("field \"n\": must be a whole number"));
}

TEST_F(CallbackTest, DeriveCollectsValues) {
  auto d = registry_->Derive(*type_, json{{"n", 7}, {"word", "kind"}});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ((*d)["n_squared"], 49);
  EXPECT_EQ((*d)["label"], "kind");
  EXPECT_EQ((*d)["extra"], true);
  EXPECT_GT((*d)["entry_json_bytes"].get<int>(), 10);
  EXPECT_EQ(type_->version, 3u);
  EXPECT_EQ(registry_->ToJson(*type_)["native"], true);
}

TEST_F(CallbackTest, SummarizeSeesEntriesOldestFirstAndLinesAreOneLine) {
  Entry a, b, c;
  a.at_us = 30, a.fields = {{"n", 3}};
  b.at_us = 10, b.fields = {{"n", 1}};
  c.at_us = 20, c.fields = {{"n", 2}};
  auto lines = registry_->Summarize(*type_, {&a, &b, &c});
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_THAT(*lines, ElementsAre("order 1,2,3,", "two lines"));
  Entry unlucky;
  unlucky.fields = {{"n", 13}};
  auto failed = registry_->Summarize(*type_, {&unlucky});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(Message(failed.status()), "unlucky entry");
}

}  // namespace
}  // namespace haven
