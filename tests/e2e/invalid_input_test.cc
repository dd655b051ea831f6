// Every invalid input: exit 2, one line on stderr naming the field (or flag)
// at fault, and nothing written.
#include <gtest/gtest.h>

#include "tests/e2e/harness.h"

namespace haven::e2e {
namespace {

struct InvalidCase {
  const char* name;
  std::vector<std::string> args;  // "{ID}" stands for an existing entry's id
  const char* names;              // what stderr must mention
  const char* stdin_text = "";
};

void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

class InvalidInputTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidInputTest, ExitsTwoWithOneLineNamingTheFieldAndWritesNothing) {
  const InvalidCase& c = GetParam();
  TestHome home;
  ASSERT_TRUE(home.Init().is_object());
  std::string id = home.Log({"checkin", "-f", "mood=5", "-f", "note=before"});
  int64_t records = home.Records();
  nlohmann::json before = home.Json({"list"});

  std::vector<std::string> args = c.args;
  for (auto& a : args) {
    if (a == "{ID}") a = id;
  }
  RunResult r = home.Run(args, {}, c.stdin_text);
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.ErrLines(), 1) << r;
  EXPECT_NE(r.err.find(c.names), std::string::npos) << "stderr should name " << c.names << r;
  EXPECT_TRUE(r.out.empty()) << r;

  EXPECT_EQ(home.Records(), records) << "a record was written";
  EXPECT_EQ(home.Json({"list"}), before);
}

const InvalidCase kCases[] = {
    {"UnknownType", {"log", "nosuchtype", "-f", "minutes=5"}, "nosuchtype"},
    {"UnknownField", {"log", "mindfulness", "-f", "minutes=5", "-f", "colour=blue"}, "colour"},
    {"NotANumber", {"log", "mindfulness", "-f", "minutes=lots"}, "minutes"},
    {"NumberZeroBelowMinimum", {"log", "mindfulness", "-f", "minutes=0"}, "minutes"},
    {"NumberAboveMaximum", {"log", "mindfulness", "-f", "minutes=1441"}, "minutes"},
    {"ScaleOutOfRange", {"log", "checkin", "-f", "mood=11"}, "mood"},
    {"ScaleNegative", {"log", "checkin", "-f", "mood=-1"}, "mood"},
    {"ScaleNotInteger", {"log", "checkin", "-f", "mood=5.5"}, "mood"},
    {"WrongEnumChoice",
     {"log", "mindfulness", "-f", "minutes=5", "-f", "practice=juggling"},
     "practice"},
    {"MissingRequiredWithoutTerminal",
     {"log", "mindfulness", "-f", "practice=breathing"},
     "minutes"},
    {"MissingRequiredScale",
     {"log", "break", "-f", "situation=x", "-f", "distress_before=3"},
     "distress_after"},
    {"FieldFlagWithoutValue", {"log", "mindfulness", "-f", "minutes"}, "minutes"},
    {"JsonNotAnObject", {"log", "mindfulness", "--json", "[1,2]"}, "json"},
    {"JsonMalformed", {"log", "mindfulness", "--json", "{\"minutes\": "}, "json"},
    {"JsonWrongValueType", {"log", "mindfulness", "--json", "{\"minutes\": \"ten\"}"}, "minutes"},
    {"JsonFromStdinUnknownField",
     {"log", "checkin", "--json", "-"},
     "sleep",
     "{\"mood\": 5, \"sleep\": 8}"},
    {"UnparseableAt", {"log", "checkin", "-f", "mood=5", "--at", "next tuesday-ish"}, "--at"},
    {"ImpossibleDate", {"log", "checkin", "-f", "mood=5", "--at", "2026-02-30 10:00"}, "--at"},
    {"BadFormatOnList", {"--format", "xml", "list"}, "--format"},
    {"BadFormatOnLog", {"--format", "xml", "log", "checkin", "-f", "mood=5"}, "--format"},
    {"BadFormatOnShow", {"--format", "yaml", "show", "{ID}"}, "--format"},
    {"BadFormatOnEdit", {"--format", "xml", "edit", "{ID}", "-f", "mood=6"}, "--format"},
    {"BadFormatOnRm", {"--format", "xml", "rm", "{ID}"}, "--format"},
    {"BadFormatOnImport",
     {"--format", "xml", "import", "-"},
     "--format",
     "{\"type\": \"checkin\", \"at\": \"2026-11-20T08:00:00Z\", \"fields\": {\"mood\": 3}}\n"},
    {"BadFormatOnExport", {"--format", "xml", "export"}, "--format"},
    {"BadSinceOnList", {"list", "--since", "the other day"}, "--since"},
    {"EditOutOfRange", {"edit", "{ID}", "-f", "mood=42"}, "mood"},
    {"EditUnknownField", {"edit", "{ID}", "-f", "colour=blue"}, "colour"},
    {"EditBadAt", {"edit", "{ID}", "--at", "soonish"}, "--at"},
    {"UnsetRequiredField", {"edit", "{ID}", "--unset", "mood"}, "mood"},
};

INSTANTIATE_TEST_SUITE_P(Cases, InvalidInputTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<InvalidCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace haven::e2e
