// The manifest format: every field type parses, every mistake is named.
#include "server/plugins/manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugin_test_util.h"

namespace haven {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::Message;

// A manifest with one type "t" holding `fields` (a JSON array text).
std::string WithFields(const std::string& fields) {
  return R"({"haven_plugin":1,"types":[{"id":"t","title":"T","fields":)" + fields + "}]}";
}

TEST(ManifestTest, ParsesEveryFieldType) {
  auto types = ParseManifestText(WithFields(R"([
    {"name":"count","type":"integer","min":0,"max":9,"required":true,"prompt":"How many?","help":"h"},
    {"name":"minutes","type":"number","min":0,"exclusive_min":true,"max":1440},
    {"name":"mood","type":"scale","min":1,"max":5,"default":3},
    {"name":"ok","type":"boolean","default":false},
    {"name":"title","type":"string","max_length":80},
    {"name":"notes","type":"text"},
    {"name":"kind","type":"enum","choices":["a","b"],"default":"b"},
    {"name":"when","type":"datetime"}])"),
                                 "/tmp/t.json");
  ASSERT_TRUE(types.ok()) << types.status();
  ASSERT_EQ(types->size(), 1u);
  const ExerciseType& t = (*types)[0];
  EXPECT_EQ(t.id, "t");
  EXPECT_EQ(t.version, 1u);
  EXPECT_EQ(t.source, "/tmp/t.json");
  EXPECT_FALSE(t.native);
  ASSERT_EQ(t.fields.size(), 8u);
  EXPECT_EQ(t.fields[0].kind, FieldKind::kInteger);
  EXPECT_TRUE(t.fields[0].required);
  EXPECT_EQ(t.fields[0].prompt, "How many?");
  EXPECT_EQ(*t.fields[0].max, 9);
  EXPECT_TRUE(t.fields[1].exclusive_min);
  EXPECT_EQ(t.fields[2].default_value, json(3));
  EXPECT_EQ(t.fields[3].default_value, json(false));
  EXPECT_EQ(*t.fields[4].max_length, 80u);
  EXPECT_EQ(t.fields[5].kind, FieldKind::kText);
  EXPECT_EQ(t.fields[6].choices, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t.fields[7].kind, FieldKind::kDatetime);
  EXPECT_NE(t.FindField("notes"), nullptr);
  EXPECT_EQ(t.FindField("nope"), nullptr);
}

TEST(ManifestTest, LenientOnTopLevelAndXKeys) {
  auto types = ParseManifestText(
      R"({"haven_plugin":1,"author":"me","types":[{"id":"t","x-note":"hi",
          "fields":[{"name":"a","type":"text","x-ui":"wide"}]}]})",
      "s");
  ASSERT_TRUE(types.ok()) << types.status();
  EXPECT_EQ((*types)[0].title, "t");  // title defaults to the id
}

struct BadCase {
  std::string doc;
  std::string reason;
};

class BadManifestTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadManifestTest, IsRejectedWithAPreciseReason) {
  auto types = ParseManifestText(GetParam().doc, "s");
  ASSERT_FALSE(types.ok());
  EXPECT_EQ(types.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(types.status()), HasSubstr(GetParam().reason));
}

INSTANTIATE_TEST_SUITE_P(
    Mistakes, BadManifestTest,
    ::testing::Values(
        BadCase{"{", "not valid JSON"}, BadCase{"[]", "must be a JSON object"},
        BadCase{R"({"types":[]})", "missing \"haven_plugin\""},
        BadCase{R"({"haven_plugin":2,"types":[]})", "unsupported \"haven_plugin\" 2"},
        BadCase{R"({"haven_plugin":"1","types":[]})", "unsupported"},
        BadCase{R"({"haven_plugin":1,"types":[]})", "non-empty \"types\""},
        BadCase{R"({"haven_plugin":1,"types":[{"id":"Break","fields":[]}]})", "\"id\" must be"},
        BadCase{R"({"haven_plugin":1,"types":[{"id":"-x","fields":[]}]})", "\"id\" must be"},
        BadCase{R"({"haven_plugin":1,"types":[{"id":"abcdefghijabcdefghijabcdefghijabc",
                "fields":[]}]})",
                "\"id\" must be"},
        BadCase{R"({"haven_plugin":1,"types":[{"id":"t","fields":[]}]})",
                "type \"t\": needs a non-empty \"fields\" array"},
        BadCase{R"({"haven_plugin":1,"types":[{"id":"t","version":0,"fields":[]}]})",
                "\"version\" must be"},
        BadCase{R"({"haven_plugin":1,"types":[{"id":"t","colour":"red","fields":[]}]})",
                "type \"t\": unknown key \"colour\""},
        BadCase{R"({"haven_plugin":1,"types":[{"id":"t","fields":[{"name":"a","type":"text"}]},
                {"id":"t","fields":[{"name":"a","type":"text"}]}]})",
                "type \"t\" is defined twice"},
        BadCase{WithFields(R"([{"name":"a","type":"string","max_lenght":3}])"),
                "field \"a\": unknown key \"max_lenght\""},
        BadCase{WithFields(R"([{"name":"a","type":"float"}])"), "unknown type \"float\""},
        BadCase{WithFields(R"([{"name":"a"}])"), "needs a \"type\""},
        BadCase{WithFields(R"([{"type":"text"}])"), "fields[0]: needs a \"name\""},
        BadCase{WithFields(R"([{"name":"Mood","type":"text"}])"), "\"name\" must be"},
        BadCase{WithFields(R"([{"name":"a","type":"text"},{"name":"a","type":"integer"}])"),
                "field \"a\" is defined twice"},
        BadCase{WithFields(R"([{"name":"a","type":"enum"}])"), "an enum needs \"choices\""},
        BadCase{WithFields(R"([{"name":"a","type":"enum","choices":[]}])"), "non-empty array"},
        BadCase{WithFields(R"([{"name":"a","type":"enum","choices":["x","x"]}])"), "repeats"},
        BadCase{WithFields(R"([{"name":"a","type":"enum","choices":[1]}])"), "non-empty string"},
        BadCase{WithFields(R"([{"name":"a","type":"string","choices":["x"]}])"),
                "applies only to enum"},
        BadCase{WithFields(R"([{"name":"a","type":"scale","min":0}])"),
                "type \"t\": field \"a\": scale needs both \"min\" and \"max\""},
        BadCase{WithFields(R"([{"name":"a","type":"scale","min":0.5,"max":3}])"), "whole numbers"},
        BadCase{WithFields(R"([{"name":"a","type":"integer","min":5,"max":1}])"),
                "\"min\" must be below \"max\""},
        BadCase{WithFields(R"([{"name":"a","type":"number","min":"0"}])"),
                "\"min\" must be a number"},
        BadCase{WithFields(R"([{"name":"a","type":"text","min":1}])"), "apply only to integer"},
        BadCase{WithFields(R"([{"name":"a","type":"number","exclusive_min":true}])"),
                "\"exclusive_min\" needs \"min\""},
        BadCase{WithFields(R"([{"name":"a","type":"integer","max_length":3}])"),
                "applies only to string and text"},
        BadCase{WithFields(R"([{"name":"a","type":"text","max_length":0}])"), "above 0"},
        BadCase{WithFields(R"([{"name":"a","type":"string","required":"yes"}])"),
                "\"required\" must be true or false"},
        BadCase{WithFields(R"([{"name":"a","type":"string","prompt":"two\nlines"}])"),
                "\"prompt\" must be one line"},
        BadCase{
            WithFields(R"([{"name":"a","type":"scale","min":0,"max":10,"default":11}])"),
            "\"default\" breaks its own rule: field \"a\": must be a whole number from 0 to 10"},
        BadCase{WithFields(R"([{"name":"a","type":"enum","choices":["x"],"default":"y"}])"),
                "\"default\" breaks its own rule"},
        BadCase{WithFields(R"([{"name":"a","type":"string","max_length":2,"default":"abc"}])"),
                "\"default\" breaks its own rule"},
        BadCase{WithFields(R"([{"name":"a","type":"datetime","default":"now"}])"),
                "cannot have a \"default\""},
        BadCase{WithFields(R"([{"name":"a","type":"boolean","default":"yes"}])"),
                "\"default\" breaks its own rule"}));

TEST(ManifestTest, ToManifestJsonRoundTrips) {
  std::string doc = WithFields(R"([
    {"name":"minutes","type":"number","required":true,"min":0,"exclusive_min":true,"max":1440.5,
     "prompt":"p","help":"h"},
    {"name":"kind","type":"enum","choices":["a","b"],"default":"a"},
    {"name":"s","type":"string","max_length":9}])");
  auto types = ParseManifestText(doc, "src.json");
  ASSERT_TRUE(types.ok()) << types.status();
  json j = ToManifestJson((*types)[0]);
  EXPECT_EQ(j["source"], "src.json");
  EXPECT_EQ(j["native"], false);
  EXPECT_EQ(j["fields"][0]["min"], json(0));
  EXPECT_TRUE(j["fields"][0]["min"].is_number_integer());
  EXPECT_EQ(j["fields"][0]["max"], json(1440.5));
  EXPECT_EQ(j["fields"][1]["default"], "a");
  // The output is itself a valid manifest type (source/native are allowed).
  json again = {{"haven_plugin", 1}, {"types", json::array({j})}};
  auto reparsed = ParseManifestJson(again, "src.json");
  ASSERT_TRUE(reparsed.ok()) << reparsed.status();
  EXPECT_EQ(ToManifestJson((*reparsed)[0]), j);
}

// A type with `citation` set to the JSON value `value` (a JSON text).
std::string WithCitation(const std::string& value) {
  return R"({"haven_plugin":1,"types":[{"id":"t","citation":)" + value +
         R"(,"fields":[{"name":"a","type":"text"}]}]})";
}

TEST(ManifestTest, CitationIsOptionalKeptAndSerialized) {
  auto types = ParseManifestText(WithCitation(R"("Doe, J. (2001). A scale. Journal, 1(2), 3-4.")"),
                                 "src.json");
  ASSERT_TRUE(types.ok()) << types.status();
  EXPECT_EQ((*types)[0].citation, "Doe, J. (2001). A scale. Journal, 1(2), 3-4.");
  json j = ToManifestJson((*types)[0]);
  EXPECT_EQ(j["citation"], "Doe, J. (2001). A scale. Journal, 1(2), 3-4.");
  json again = {{"haven_plugin", 1}, {"types", json::array({j})}};
  auto reparsed = ParseManifestJson(again, "src.json");
  ASSERT_TRUE(reparsed.ok()) << reparsed.status();
  EXPECT_EQ((*reparsed)[0].citation, (*types)[0].citation);

  // Without one, the type JSON carries no "citation" key at all.
  auto plain = ParseManifestText(WithFields(R"([{"name":"a","type":"text"}])"), "s");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_TRUE((*plain)[0].citation.empty());
  EXPECT_FALSE(ToManifestJson((*plain)[0]).contains("citation"));

  // At most 4000 bytes, like a description.
  EXPECT_TRUE(ParseManifestText(WithCitation("\"" + std::string(4000, 'c') + "\""), "s").ok());
}

TEST(ManifestTest, CitationMustBeAStringOfAtMost4000Bytes) {
  auto too_long = ParseManifestText(WithCitation("\"" + std::string(4001, 'c') + "\""), "s");
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(Message(too_long.status()), "type \"t\": \"citation\" is longer than 4000 bytes");
  for (const char* wrong : {"42", "[\"a\"]", "{\"text\":\"a\"}", "true"}) {
    auto bad = ParseManifestText(WithCitation(wrong), "s");
    ASSERT_FALSE(bad.ok()) << wrong;
    EXPECT_EQ(Message(bad.status()), "type \"t\": \"citation\" must be a string") << wrong;
  }
  // A near miss of the key is still an unknown key.
  auto typo = ParseManifestText(
      R"({"haven_plugin":1,"types":[{"id":"t","citaton":"x","fields":[{"name":"a","type":"text"}]}]})",
      "s");
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(Message(typo.status()), HasSubstr("unknown key \"citaton\""));
}

TEST(ManifestTest, TypeIds) {
  EXPECT_TRUE(IsValidTypeId("scs-sf"));
  EXPECT_TRUE(IsValidTypeId("a"));
  EXPECT_TRUE(IsValidTypeId(std::string(32, 'a')));
  EXPECT_FALSE(IsValidTypeId(std::string(33, 'a')));
  EXPECT_FALSE(IsValidTypeId(""));
  EXPECT_FALSE(IsValidTypeId("self_talk"));
  EXPECT_FALSE(IsValidTypeId("Self"));
  EXPECT_FALSE(IsValidTypeId("-a"));
}

TEST(ManifestTest, RejectsHugeDocuments) {
  std::string doc = WithFields(R"([{"name":"a","type":"text","help":")" +
                               std::string(kMaxManifestBytes, 'x') + "\"}])");
  auto types = ParseManifestText(doc, "s");
  ASSERT_FALSE(types.ok());
  EXPECT_THAT(Message(types.status()), HasSubstr("larger than"));
}

}  // namespace
}  // namespace haven
