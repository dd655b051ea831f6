// Field rules: every kind, its bounds and its text parsing.
#include "common/field_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/time.h"
#include "plugin_test_util.h"

namespace haven {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::Message;

constexpr int64_t kNow = 1'800'000'000'000'000;  // 2027-01-15T08:00:00Z

FieldSpec Spec(FieldKind kind, std::optional<double> min = {}, std::optional<double> max = {}) {
  FieldSpec s;
  s.name = "f";
  s.kind = kind;
  s.min = min;
  s.max = max;
  return s;
}

json ParseOk(const FieldSpec& spec, std::string_view text) {
  auto v = ParseFieldValueText(spec, text, kNow);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status();
  return v.ok() ? *v : json();
}

std::string ParseError(const FieldSpec& spec, std::string_view text) {
  auto v = ParseFieldValueText(spec, text, kNow);
  EXPECT_FALSE(v.ok()) << text << " parsed as " << v->dump();
  return v.ok() ? "" : Message(v.status());
}

TEST(FieldCheckTest, IntegerText) {
  FieldSpec s = Spec(FieldKind::kInteger, 0, 100);
  EXPECT_EQ(ParseOk(s, "10"), json(10));
  EXPECT_EQ(ParseOk(s, " 42 "), json(42));
  EXPECT_EQ(ParseOk(s, "+7"), json(7));
  EXPECT_EQ(ParseError(s, "10.5"),
            "field \"f\": must be a whole number from 0 to 100, got \"10.5\"");
  EXPECT_THAT(ParseError(s, "ten"), HasSubstr("got \"ten\""));
  EXPECT_THAT(ParseError(s, ""), HasSubstr("whole number"));
  EXPECT_THAT(ParseError(s, "101"), HasSubstr("from 0 to 100"));
  EXPECT_THAT(ParseError(s, "-1"), HasSubstr("from 0 to 100"));
  EXPECT_THAT(ParseError(s, "99999999999999999999999"), HasSubstr("whole number"));
}

TEST(FieldCheckTest, NumberTextAndExclusiveMin) {
  FieldSpec s = Spec(FieldKind::kNumber, 0, 1440);
  s.name = "minutes";
  s.exclusive_min = true;
  EXPECT_EQ(ParseOk(s, "12.5"), json(12.5));
  EXPECT_EQ(ParseOk(s, "10"), json(10));
  EXPECT_TRUE(ParseOk(s, "10").is_number_integer());
  EXPECT_EQ(ParseOk(s, "1440"), json(1440));
  EXPECT_EQ(ParseOk(s, "0.01"), json(0.01));
  EXPECT_EQ(ParseError(s, "abc"),
            "field \"minutes\": must be a number greater than 0 and at most 1440, got \"abc\"");
  EXPECT_THAT(ParseError(s, "0"), HasSubstr("greater than 0"));
  EXPECT_THAT(ParseError(s, "1440.5"), HasSubstr("at most 1440"));
  EXPECT_THAT(ParseError(s, "nan"), HasSubstr("got \"nan\""));
  EXPECT_THAT(ParseError(s, "inf"), HasSubstr("got \"inf\""));
  EXPECT_THAT(ParseError(s, "1e400"), HasSubstr("must be a number"));
  EXPECT_THAT(ParseError(s, "0x10"), HasSubstr("must be a number"));
}

TEST(FieldCheckTest, OneSidedBounds) {
  EXPECT_THAT(ParseError(Spec(FieldKind::kInteger, 5), "4"), HasSubstr("at least 5"));
  EXPECT_THAT(ParseError(Spec(FieldKind::kNumber, {}, 2.5), "3"), HasSubstr("at most 2.5"));
  EXPECT_EQ(ParseOk(Spec(FieldKind::kInteger), "-123456789012"), json(-123456789012));
}

TEST(FieldCheckTest, Scale) {
  FieldSpec s = Spec(FieldKind::kScale, 0, 10);
  EXPECT_EQ(ParseOk(s, "0"), json(0));
  EXPECT_EQ(ParseOk(s, "10"), json(10));
  EXPECT_EQ(ParseError(s, "11"), "field \"f\": must be a whole number from 0 to 10, got \"11\"");
  EXPECT_THAT(ParseError(s, "5.5"), HasSubstr("whole number"));
  // JSON values: 7.0 is whole and becomes an integer, 7.5 is not.
  EXPECT_EQ(*CheckFieldValue(s, json(7.0), kNow), json(7));
  EXPECT_TRUE(CheckFieldValue(s, json(7.0), kNow)->is_number_integer());
  EXPECT_FALSE(CheckFieldValue(s, json(7.5), kNow).ok());
  EXPECT_FALSE(CheckFieldValue(s, json("7"), kNow).ok());
  EXPECT_EQ(Message(CheckFieldValue(s, json(11), kNow).status()),
            "field \"f\": must be a whole number from 0 to 10, got 11");
}

TEST(FieldCheckTest, Boolean) {
  FieldSpec s = Spec(FieldKind::kBoolean);
  for (const char* yes : {"true", "yes", "1", "on", "YES", "True"})
    EXPECT_EQ(ParseOk(s, yes), json(true));
  for (const char* no : {"false", "no", "0", "off", "Off"}) EXPECT_EQ(ParseOk(s, no), json(false));
  EXPECT_THAT(ParseError(s, "maybe"), HasSubstr("yes or no"));
  EXPECT_FALSE(CheckFieldValue(s, json(1), kNow).ok());
  EXPECT_TRUE(CheckFieldValue(s, json(false), kNow).ok());
}

TEST(FieldCheckTest, StringIsOneLineAndBounded) {
  FieldSpec s = Spec(FieldKind::kString);
  s.max_length = 5;
  EXPECT_EQ(ParseOk(s, "hello"), json("hello"));
  EXPECT_EQ(ParseOk(s, " hi "), json(" hi "));  // free text is kept as typed
  EXPECT_THAT(ParseError(s, "a\nb"), HasSubstr("must be one line"));
  EXPECT_THAT(ParseError(s, "a\rb"), HasSubstr("must be one line"));
  std::string err = ParseError(s, "private words");
  EXPECT_EQ(err, "field \"f\": must be at most 5 bytes, got 13 bytes");
  EXPECT_THAT(err, ::testing::Not(HasSubstr("private")));  // never echoes free text
  EXPECT_THAT(ParseError(s, "\xff\xfe"), HasSubstr("UTF-8"));
  EXPECT_FALSE(CheckFieldValue(s, json(5), kNow).ok());
  // max_length counts bytes: "héllo" is 6.
  EXPECT_FALSE(CheckFieldValue(s, json("h\xc3\xa9llo"), kNow).ok());
}

TEST(FieldCheckTest, TextAllowsNewlines) {
  FieldSpec s = Spec(FieldKind::kText);
  EXPECT_EQ(ParseOk(s, "line one\nline two"), json("line one\nline two"));
  s.max_length = 3;
  EXPECT_THAT(ParseError(s, "abcd"), HasSubstr("at most 3 bytes"));
  EXPECT_THAT(ParseError(s, "\xc0\xaf"), HasSubstr("UTF-8"));  // overlong '/'
}

TEST(FieldCheckTest, Enum) {
  FieldSpec s = Spec(FieldKind::kEnum);
  s.choices = {"none", "hand-on-heart", "hug", "other"};
  EXPECT_EQ(ParseOk(s, "hug"), json("hug"));
  EXPECT_EQ(ParseOk(s, "Hand-On-Heart"), json("hand-on-heart"));
  EXPECT_EQ(ParseError(s, "handshake"),
            "field \"f\": must be one of: none, hand-on-heart, hug, other, got \"handshake\"");
  EXPECT_FALSE(CheckFieldValue(s, json("Hug"), kNow).ok());  // JSON is exact
  EXPECT_FALSE(CheckFieldValue(s, json(1), kNow).ok());
}

TEST(FieldCheckTest, DatetimeNormalisesToUtc) {
  FieldSpec s = Spec(FieldKind::kDatetime);
  EXPECT_EQ(ParseOk(s, "2026-11-20T08:30:00+01:00"), json("2026-11-20T07:30:00Z"));
  EXPECT_EQ(*CheckFieldValue(s, json("2026-11-20T07:30:00Z"), kNow), json("2026-11-20T07:30:00Z"));
  EXPECT_EQ(ParseOk(s, "-2h"), json(FormatRfc3339Utc(kNow - 7'200'000'000)));
  EXPECT_THAT(ParseError(s, "someday"), HasSubstr("must be a time"));
  EXPECT_FALSE(CheckFieldValue(s, json(12), kNow).ok());
}

TEST(FieldCheckTest, LongBadValuesAreCutShort) {
  FieldSpec s = Spec(FieldKind::kInteger);
  std::string err = ParseError(s, std::string(200, 'x'));
  EXPECT_LT(err.size(), 120u);
  EXPECT_THAT(err, HasSubstr("...\""));
  EXPECT_THAT(ParseError(s, "1\n2"), HasSubstr("\\n"));  // one line, always
}

TEST(FieldCheckTest, Utf8Validator) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x9d\xa4 \xf0\x9f\x8c\xb1"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

}  // namespace
}  // namespace haven
