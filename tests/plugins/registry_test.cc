// TypeRegistry: directory scanning, problems, precedence, entry validation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugin_test_util.h"
#include "server/plugins/plugin_dirs.h"
#include "server/plugins/type_registry.h"

namespace haven {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Message;
using testing::ScratchDir;
using testing::WriteFile;

std::string Manifest(const std::string& id, const std::string& fields, int version = 1) {
  return R"({"haven_plugin":1,"types":[{"id":")" + id + R"(","version":)" +
         std::to_string(version) + R"(,"fields":)" + fields + "}]}";
}

const char kWalkFields[] = R"([
  {"name":"minutes","type":"number","required":true,"min":0,"exclusive_min":true,"max":600},
  {"name":"place","type":"enum","choices":["park","city"],"default":"park"},
  {"name":"note","type":"text","max_length":20},
  {"name":"calm","type":"scale","min":0,"max":10},
  {"name":"with_friend","type":"boolean"},
  {"name":"when","type":"datetime"}])";

class RegistryValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = TypeRegistry::Create({});
    ASSERT_TRUE(registry_->AddVaultManifest(Manifest("walk", kWalkFields), "vault:dev1").ok());
    type_ = registry_->Find("walk");
    ASSERT_NE(type_, nullptr);
  }
  std::string Error(const json& fields) {
    auto out = registry_->Validate(*type_, fields);
    EXPECT_FALSE(out.ok()) << out->dump();
    return out.ok() ? "" : Message(out.status());
  }
  std::unique_ptr<TypeRegistry> registry_;
  std::shared_ptr<const ExerciseType> type_;
};

TEST_F(RegistryValidateTest, NormalisesAndFillsDefaults) {
  auto out = registry_->Validate(
      *type_, json{{"minutes", 12.5}, {"calm", 7.0}, {"when", "2026-11-20T08:30:00+01:00"}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(
      *out,
      (json{{"minutes", 12.5}, {"place", "park"}, {"calm", 7}, {"when", "2026-11-20T07:30:00Z"}}));
  EXPECT_TRUE((*out)["calm"].is_number_integer());
}

TEST_F(RegistryValidateTest, NamesTheOffendingField) {
  EXPECT_EQ(Error(json{{"minutes", 5}, {"mood", 3}}),
            "unknown field \"mood\" for type \"walk\" (its fields: minutes, place, note, calm, "
            "with_friend, when)");
  EXPECT_EQ(Error(json{{"place", "city"}}), "field \"minutes\": is required");
  EXPECT_EQ(Error(json{{"minutes", nullptr}}), "field \"minutes\": is required");
  EXPECT_THAT(Error(json{{"minutes", 0}}), HasSubstr("greater than 0 and at most 600, got 0"));
  EXPECT_THAT(Error(json{{"minutes", "5"}}), HasSubstr("field \"minutes\": must be a number"));
  EXPECT_THAT(Error(json{{"minutes", 5}, {"place", "beach"}}), HasSubstr("one of: park, city"));
  EXPECT_THAT(Error(json{{"minutes", 5}, {"note", std::string(21, 'n')}}),
              HasSubstr("at most 20 bytes"));
  EXPECT_THAT(Error(json{{"minutes", 5}, {"calm", 11}}), HasSubstr("from 0 to 10"));
  EXPECT_THAT(Error(json{{"minutes", 5}, {"with_friend", "yes"}}), HasSubstr("yes or no"));
  EXPECT_THAT(Error(json{{"minutes", 5}, {"when", "soon"}}), HasSubstr("must be a time"));
  EXPECT_EQ(Error(json::array()), "fields must be a JSON object");
}

TEST_F(RegistryValidateTest, ParseFieldTextAndMissingRequired) {
  EXPECT_EQ(*registry_->ParseFieldText(*type_, "with_friend", "yes"), json(true));
  EXPECT_EQ(*registry_->ParseFieldText(*type_, "minutes", "20"), json(20));
  auto bad = registry_->ParseFieldText(*type_, "minutez", "20");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(Message(bad.status()), HasSubstr("unknown field \"minutez\""));
  EXPECT_THAT(registry_->MissingRequired(*type_, json::object()), ElementsAre("minutes"));
  EXPECT_TRUE(registry_->MissingRequired(*type_, json{{"minutes", 3}}).empty());
  EXPECT_EQ(*registry_->Derive(*type_, json{{"minutes", 3}}), json::object());
  EXPECT_TRUE(registry_->Summarize(*type_, {})->empty());
}

TEST(RegistryScanTest, BrokenManifestBesideGoodOnes) {
  ScratchDir tmp;
  std::string dir = tmp.Sub("plugins");
  WriteFile(dir + "/a-good.json", Manifest("alpha", R"([{"name":"x","type":"text"}])"));
  WriteFile(dir + "/b-broken.json", Manifest("beta", R"([{"name":"x","type":"scale"}])"));
  WriteFile(dir + "/c-notjson.json", "{ this is not json");
  WriteFile(dir + "/d-good.json", Manifest("delta", R"([{"name":"x","type":"text"}])"));
  WriteFile(dir + "/notes.txt", "ignored");
  WriteFile(dir + "/.hidden.json", "ignored too");
  auto registry = TypeRegistry::Create({{}, {tmp.path() + "/missing", dir}});
  std::vector<std::string> ids;
  for (const auto& t : registry->List()) ids.push_back(t->id);
  EXPECT_THAT(ids, ElementsAre("alpha", "delta"));
  auto problems = registry->Problems();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].source, dir + "/b-broken.json");
  EXPECT_EQ(problems[0].reason, "type \"beta\": field \"x\": scale needs both \"min\" and \"max\"");
  EXPECT_EQ(problems[1].source, dir + "/c-notjson.json");
  EXPECT_EQ(problems[1].reason, "not valid JSON");
  EXPECT_EQ(registry->Find("alpha")->source, dir + "/a-good.json");
}

TEST(RegistryScanTest, FirstDefinitionWinsAndCollisionsSkipTheWholePlugin) {
  ScratchDir tmp;
  std::string first = tmp.Sub("first");
  std::string second = tmp.Sub("second");
  WriteFile(first + "/mine.json", Manifest("mood", R"([{"name":"a","type":"text"}])"));
  WriteFile(second + "/theirs.json",
            R"({"haven_plugin":1,"types":[{"id":"fresh","fields":[{"name":"a","type":"text"}]},
                {"id":"mood","fields":[{"name":"b","type":"text"}]}]})");
  auto registry = TypeRegistry::Create({{first}, {second, first}});  // `first` twice: once
  ASSERT_NE(registry->Find("mood"), nullptr);
  EXPECT_NE(registry->Find("mood")->FindField("a"), nullptr);
  EXPECT_EQ(registry->Find("fresh"), nullptr);
  auto problems = registry->Problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].source, second + "/theirs.json");
  EXPECT_EQ(problems[0].reason, "type \"mood\" is already defined by " + first + "/mine.json");
}

TEST(RegistryScanTest, ReloadSeesNewFilesAndKeepsVaultTypes) {
  ScratchDir tmp;
  std::string dir = tmp.Sub("p");
  auto registry = TypeRegistry::Create({{}, {dir}});
  EXPECT_TRUE(registry->List().empty());
  ASSERT_TRUE(
      registry
          ->AddVaultManifest(Manifest("synced", R"([{"name":"a","type":"text"}])"), "vault:laptop")
          .ok());
  WriteFile(dir + "/new.json", Manifest("added", R"([{"name":"a","type":"text"}])"));
  WriteFile(dir + "/bad.json", "[]");
  std::shared_ptr<const ExerciseType> before = registry->Find("synced");
  registry->Reload();
  EXPECT_NE(registry->Find("added"), nullptr);
  ASSERT_NE(registry->Find("synced"), nullptr);
  EXPECT_EQ(registry->Find("synced")->source, "vault:laptop");
  EXPECT_EQ(registry->Problems().size(), 1u);
  std::filesystem::remove(dir + "/bad.json");
  registry->Reload();
  EXPECT_TRUE(registry->Problems().empty());
  EXPECT_EQ(before->id, "synced");  // old snapshots stay valid
}

TEST(RegistryScanTest, VaultManifests) {
  ScratchDir tmp;
  std::string dir = tmp.Sub("p");
  WriteFile(dir + "/local.json", Manifest("shared", R"([{"name":"local","type":"text"}])"));
  auto registry = TypeRegistry::Create({{}, {dir}});
  ASSERT_TRUE(
      registry
          ->AddVaultManifest(Manifest("shared", R"([{"name":"remote","type":"text"}])"), "vault:d")
          .ok());
  EXPECT_NE(registry->Find("shared")->FindField("local"), nullptr);  // local wins
  ASSERT_TRUE(
      registry
          ->AddVaultManifest(Manifest("custom", R"([{"name":"v2","type":"text"}])", 2), "vault:d")
          .ok());
  ASSERT_TRUE(
      registry
          ->AddVaultManifest(Manifest("custom", R"([{"name":"v1","type":"text"}])", 1), "vault:e")
          .ok());
  EXPECT_NE(registry->Find("custom")->FindField("v2"), nullptr);  // older version ignored
  auto bad = registry->AddVaultManifest("{}", "vault:d");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(bad), HasSubstr("manifest from vault:d: missing \"haven_plugin\""));
  auto parsed = registry->ParseManifest(Manifest("x", R"([{"name":"a","type":"text"}])"), "s");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(registry->ToJson((*parsed)[0])["id"], "x");
}

TEST(PluginDirsTest, StandardOrder) {
  RegistryOptions o = StandardRegistryOptions("/opt/haven/bin", {"/extra"}, "/home/me/.haven");
  EXPECT_THAT(o.native_dirs, ::testing::Contains("/opt/haven/lib/haven/plugins"));
  EXPECT_THAT(o.manifest_dirs,
              ElementsAre("/opt/haven/share/haven/plugins", "/extra", "/home/me/.haven/plugins"));
}

}  // namespace
}  // namespace haven
