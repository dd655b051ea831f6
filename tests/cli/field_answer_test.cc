// The words of guided logging (cli/field_answer.h) and the field
// descriptions it reads from the daemon (common/field_spec.h).
#include "cli/field_answer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/field_spec.h"

namespace haven::cli {
namespace {

using nlohmann::json;

FieldSpec Spec(const json& manifest_field) {
  auto spec = FieldSpecFromJson(manifest_field);
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.ok() ? *spec : FieldSpec();
}

TEST(FieldSpecFromJson, ReadsTheManifestShapeTheDaemonSends) {
  FieldSpec s = Spec({{"name", "minutes"},
                      {"type", "number"},
                      {"required", true},
                      {"prompt", "How long?"},
                      {"help", "In minutes."},
                      {"min", 0},
                      {"exclusive_min", true},
                      {"max", 1440},
                      {"default", 10}});
  EXPECT_EQ(s.name, "minutes");
  EXPECT_EQ(s.kind, FieldKind::kNumber);
  EXPECT_TRUE(s.required);
  EXPECT_EQ(s.prompt, "How long?");
  EXPECT_EQ(s.help, "In minutes.");
  EXPECT_EQ(s.min, 0);
  EXPECT_TRUE(s.exclusive_min);
  EXPECT_EQ(s.max, 1440);
  EXPECT_EQ(s.default_value, 10);
  FieldSpec e = Spec({{"name", "touch"}, {"type", "enum"}, {"choices", {"none", "hug"}}});
  EXPECT_EQ(e.choices, (std::vector<std::string>{"none", "hug"}));
  EXPECT_FALSE(e.required);
}

TEST(FieldSpecFromJson, RefusesShapesItCannotUse) {
  EXPECT_FALSE(FieldSpecFromJson(json::array()).ok());
  EXPECT_FALSE(FieldSpecFromJson({{"type", "scale"}}).ok());
  EXPECT_FALSE(FieldSpecFromJson({{"name", "x"}, {"type", "colour"}}).ok());
  EXPECT_FALSE(FieldSpecFromJson({{"name", "x"}, {"type", "scale"}, {"min", "0"}}).ok());
  EXPECT_FALSE(FieldSpecFromJson({{"name", "x"}, {"type", "enum"}, {"choices", {1, 2}}}).ok());
  EXPECT_FALSE(FieldSpecFromJson({{"name", "x"}, {"type", "string"}, {"prompt", 5}}).ok());
}

TEST(AnswerHint, SaysWhatFitsInAFewWords) {
  EXPECT_EQ(AnswerHint(Spec({{"name", "m"}, {"type", "scale"}, {"min", 0}, {"max", 10}})),
            "0 to 10");
  EXPECT_EQ(
      AnswerHint(Spec(
          {{"name", "m"}, {"type", "number"}, {"min", 0}, {"exclusive_min", true}, {"max", 1440}})),
      "more than 0, up to 1440");
  EXPECT_EQ(AnswerHint(Spec({{"name", "m"}, {"type", "integer"}, {"min", 1}})), "at least 1");
  EXPECT_EQ(AnswerHint(Spec({{"name", "m"}, {"type", "number"}})), "a number");
  EXPECT_EQ(AnswerHint(Spec({{"name", "b"}, {"type", "boolean"}})), "yes or no");
  EXPECT_EQ(AnswerHint(Spec({{"name", "e"}, {"type", "enum"}, {"choices", {"a", "b"}}})), "a, b");
  EXPECT_EQ(AnswerHint(Spec({{"name", "s"}, {"type", "string"}})), "");
}

TEST(ValueText, ShowsValuesAsAPersonReadsThem) {
  EXPECT_EQ(ValueText("hand-on-heart"), "hand-on-heart");
  EXPECT_EQ(ValueText(true), "yes");
  EXPECT_EQ(ValueText(7), "7");
  EXPECT_EQ(ValueText(2.5), "2.5");
}

TEST(Printable, KeepsNewlinesAndHidesOtherControls) {
  EXPECT_EQ(Printable("a\nb"), "a\nb");
  EXPECT_EQ(Printable("\x1b]0;title\x07"), "?]0;title?");
  EXPECT_EQ(Printable("tab\there"), "tab?here");
}

}  // namespace
}  // namespace haven::cli
