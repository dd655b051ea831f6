#include "common/json_bounded.h"

#include <gtest/gtest.h>

#include <string>

#include "common/field_error.h"

namespace haven {
namespace {

std::string Nested(int depth, const std::string& inner = "1") {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

TEST(JsonBoundedTest, DepthAtTheLimitIsAcceptedAndOneDeeperIsRefused) {
  const JsonLimits limits{1 << 20, 16};
  auto at_limit = ParseJsonBounded(Nested(16), limits, "fields");
  ASSERT_TRUE(at_limit.ok()) << at_limit.status();
  const nlohmann::json* v = &*at_limit;
  for (int i = 0; i < 16; ++i) {
    ASSERT_TRUE(v->is_array());
    v = &(*v)[0];
  }
  EXPECT_EQ(*v, 1);

  JsonFault fault = JsonFault::kNone;
  auto deeper = ParseJsonBounded(Nested(17), limits, "fields", &fault);
  ASSERT_FALSE(deeper.ok());
  EXPECT_EQ(deeper.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(deeper.status().message(), "fields: nested deeper than 16 levels");
  EXPECT_EQ(fault, JsonFault::kTooDeep);
  EXPECT_EQ(CheckJsonBounded(Nested(16), limits, "x"), absl::OkStatus());
  EXPECT_EQ(CheckJsonBounded(Nested(17), limits, "x").message(), "x: nested deeper than 16 levels");
}

TEST(JsonBoundedTest, ObjectsCountAsLevelsToo) {
  const JsonLimits limits{1 << 20, 3};
  EXPECT_TRUE(ParseJsonBounded(R"({"a":[1,{}],"b":{"c":2}})", limits, "v").ok());
  EXPECT_FALSE(ParseJsonBounded(R"({"a":[1,{"b":[]}]})", limits, "v").ok());
  // Siblings do not add up: depth is how far brackets nest, not how many.
  EXPECT_TRUE(ParseJsonBounded("[[[]],[[]],[[]],[[]]]", limits, "v").ok());
  EXPECT_TRUE(ParseJsonBounded("7", JsonLimits{16, 0}, "v").ok());
  EXPECT_FALSE(ParseJsonBounded("[]", JsonLimits{16, 0}, "v").ok());
}

TEST(JsonBoundedTest, AHundredThousandLevelsAreRefusedWithoutRecursion) {
  const std::string deep = Nested(100000);
  auto parsed = ParseJsonBounded(deep, JsonLimits{1 << 20, 16}, "--json");
  EXPECT_EQ(parsed.status().message(), "--json: nested deeper than 16 levels");
  // Unclosed brackets are refused as soon as they are too deep as well.
  std::string unclosed;
  for (int i = 0; i < 100000; ++i) unclosed += "{\"a\":";
  EXPECT_EQ(CheckJsonBounded(unclosed, JsonLimits{1 << 20, 16}, "f").message(),
            "f: nested deeper than 16 levels");
}

TEST(JsonBoundedTest, SizeLimit) {
  const std::string text = "\"" + std::string(98, 'a') + "\"";  // 100 bytes
  EXPECT_TRUE(ParseJsonBounded(text, JsonLimits{100, 4}, "note").ok());
  JsonFault fault = JsonFault::kNone;
  auto big = ParseJsonBounded(text, JsonLimits{99, 4}, "note", &fault);
  EXPECT_EQ(big.status().message(), "note: larger than 99 bytes");
  EXPECT_EQ(fault, JsonFault::kTooLarge);
  EXPECT_EQ(CheckJsonBounded(text, JsonLimits{99, 4}, "note").message(),
            "note: larger than 99 bytes");
}

TEST(JsonBoundedTest, SyntaxErrorsAreOneLineAndSayWhere) {
  JsonFault fault = JsonFault::kNone;
  size_t byte = 0;
  auto bad = ParseJsonBounded("{\"a\": tru}", JsonLimits{100, 4}, "line 3", &fault, &byte);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(fault, JsonFault::kSyntax);
  EXPECT_GT(byte, 0u);
  const std::string message(bad.status().message());
  EXPECT_EQ(message.rfind("line 3: not valid JSON: ", 0), 0u) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
  EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;

  for (const char* text : {"", "{", "[1,]", "1 2", "\"\xff\"", "1e999", "[1]]"}) {
    EXPECT_FALSE(ParseJsonBounded(text, JsonLimits{100, 4}, "v").ok()) << text;
    EXPECT_FALSE(CheckJsonBounded(text, JsonLimits{100, 4}, "v").ok()) << text;
  }
}

TEST(JsonBoundedTest, ParsesWhatTheLibraryParses) {
  const std::string text =
      R"({"n":-3,"u":18446744073709551615,"f":2.5,"s":"h\u00e9","b":true,"z":null,"a":[1,"x"]})";
  auto parsed = ParseJsonBounded(text, JsonLimits{1 << 10, 4}, "v");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, nlohmann::json::parse(text));
  EXPECT_TRUE((*parsed)["u"].is_number_unsigned());
  EXPECT_TRUE((*parsed)["n"].is_number_integer());
}

TEST(ParseFieldsJsonTest, AnObjectOrNothing) {
  EXPECT_TRUE(ParseFieldsJson("", "fields JSON")->is_null());
  EXPECT_EQ(*ParseFieldsJson(R"({"mood":5})", "fields JSON"), nlohmann::json({{"mood", 5}}));
}

TEST(ParseFieldsJsonTest, ErrorsNameTheLabelAndCarryTheInput) {
  auto array = ParseFieldsJson("[1,2]", "fields JSON");
  ASSERT_FALSE(array.ok());
  EXPECT_EQ(array.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(array.status().message(), "fields JSON: expected a JSON object of field values");
  EXPECT_EQ(ViolatedField(array.status()), kFieldsJsonField);
  EXPECT_EQ(RelabelInput(array.status(), kFieldsJsonField, "--json").message(),
            "--json: expected a JSON object of field values");

  auto deep = ParseFieldsJson(Nested(17), "fields JSON");
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().message(), "fields JSON: nested deeper than 16 levels");
  EXPECT_EQ(RelabelInput(deep.status(), kFieldsJsonField, "--json").message(),
            "--json: nested deeper than 16 levels");
}

}  // namespace
}  // namespace haven
