// The questionnaire built-ins (ecr-rs, who-5, swls, brs) through the real
// haven and havend: logged with -f, their scores as `haven show` returns
// them, the calm line after a low WHO-5, and `haven types --long` with each
// questionnaire's citation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "common/care_note.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/plugin_harness.h"

namespace haven::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// "-f q1=a -f q2=b ..." after `head` (e.g. {"log", "who-5"}).
std::vector<std::string> WithItems(std::vector<std::string> head, const std::vector<int>& q) {
  for (size_t i = 0; i < q.size(); ++i) {
    head.push_back("-f");
    head.push_back("q" + std::to_string(i + 1) + "=" + std::to_string(q[i]));
  }
  return head;
}

const std::string kNote(kLowWellBeingNote);

class PluginsE2eMeasures : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(home_.Init().is_object()); }

  // `haven log` with these arguments, expected to succeed; the saved entry.
  nlohmann::json Logged(const std::vector<std::string>& log_args) {
    RunResult r = home_.Run(log_args);
    EXPECT_EQ(r.exit_code, 0) << r;
    if (r.exit_code != 0) return nullptr;
    return ShowEntry(home_, r.Trimmed());
  }

  TestHome home_;
};

TEST_F(PluginsE2eMeasures, EachQuestionnaireStoresItsScores) {
  // ecr-rs: reversed 1-4 give 7, 6, 5, 3, then 6 and 7: 34/6; anxiety 12/3.
  nlohmann::json e = Logged(
      WithItems({"log", "ecr-rs", "-f", "relationship=partner"}, {1, 2, 3, 5, 6, 7, 2, 4, 6}));
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["fields"]["relationship"], "partner");
  EXPECT_DOUBLE_EQ(e["derived"]["avoidance"].get<double>(), 34.0 / 6) << e.dump();
  EXPECT_DOUBLE_EQ(e["derived"]["anxiety"].get<double>(), 4.0) << e.dump();
  EXPECT_EQ(e["derived"].size(), 2u) << e.dump();

  e = Logged(WithItems({"log", "who-5"}, {4, 3, 5, 2, 2}));
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["derived"], (nlohmann::json{{"raw", 16}, {"percent", 64}, {"flag", "none"}}));

  e = Logged(WithItems({"log", "swls"}, {4, 4, 4, 4, 5}));
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["derived"], (nlohmann::json{{"total", 21}, {"band", "slightly-satisfied"}}));

  // brs: 4 + 4 + 4, and 2, 4, 6 reversed from 1, 2, 2: 5 + 4 + 4; 25/6 kept exact.
  e = Logged(WithItems({"log", "brs"}, {4, 1, 4, 2, 4, 2}));
  ASSERT_TRUE(e.is_object());
  EXPECT_DOUBLE_EQ(e["derived"]["score"].get<double>(), 25.0 / 6) << e.dump();
  EXPECT_NE(e["derived"]["score"].get<double>(), 4.17) << e.dump();
  EXPECT_EQ(e["derived"]["band"], "normal") << e.dump();
}

TEST_F(PluginsE2eMeasures, OutOfRangeAndMissingAnswersAreRefused) {
  RunResult r = home_.Run(WithItems({"log", "who-5"}, {3, 3, 6, 3, 3}));
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("field \"q3\"")) << r;
  r = home_.Run(
      WithItems({"log", "ecr-rs", "-f", "relationship=friend"}, {4, 4, 4, 4, 4, 4, 4, 8}));
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("field \"q8\"")) << r;
  r = home_.Run(WithItems({"log", "brs"}, {3, 3, 3, 3, 3}));
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("field \"q6\"")) << r;
  EXPECT_EQ(EntryCount(home_), 0u);
}

TEST_F(PluginsE2eMeasures, ALowWho5SaysTheCalmLineOnceOnStderr) {
  // 52%, but one answer is 1: low.
  RunResult r = home_.Run(WithItems({"log", "who-5"}, {1, 3, 3, 3, 3}));
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(std::regex_match(r.out, std::regex("[0-9a-f]{24}\n"))) << "only the id: " << r;
  EXPECT_EQ(r.err, kNote + "\n") << r;
  EXPECT_EQ(ShowEntry(home_, r.Trimmed())["derived"]["flag"], "low");

  // With --format, stdout is the entry and still nothing else.
  r = home_.Run(WithItems({"--format", "json", "log", "who-5"}, {2, 2, 2, 3, 3}));
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.JsonOut()["derived"]["percent"], 48) << r;
  EXPECT_THAT(r.out, Not(HasSubstr(kNote))) << r;
  EXPECT_EQ(r.err, kNote + "\n") << r;
}

TEST_F(PluginsE2eMeasures, AHighWho5OrAnotherTypeSaysNothingMore) {
  for (const auto& args : {WithItems({"log", "who-5"}, {2, 2, 3, 3, 3}),  // 52%, none
                           WithItems({"log", "who-5"}, {5, 5, 5, 5, 5}),
                           WithItems({"log", "brs"}, {1, 5, 1, 5, 1, 5}),  // low resilience
                           WithItems({"log", "swls"}, {1, 1, 1, 1, 1})}) {
    RunResult r = home_.Run(args);
    ASSERT_EQ(r.exit_code, 0) << r;
    EXPECT_TRUE(r.err.empty()) << r;
    EXPECT_TRUE(std::regex_match(r.out, std::regex("[0-9a-f]{24}\n"))) << r;
  }
  // Nor do later commands repeat it.
  RunResult list = home_.Run({"list"});
  EXPECT_THAT(list.err, Not(HasSubstr(kNote))) << list;
}

// The block of `types --long` output that belongs to type `id`, with its
// final newline.
std::string LongBlock(const std::string& out, const std::string& id) {
  size_t at = out.find("\n  id: " + id + ", version ");
  if (at == std::string::npos) return "";
  size_t start = out.rfind("\n\n", at);
  start = start == std::string::npos ? 0 : start + 2;
  size_t end = out.find("\n\n", at);
  return out.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
}

TEST_F(PluginsE2eMeasures, TypesLongShowsEachCitation) {
  nlohmann::json types = TypesJson(home_);
  RunResult r = home_.Run({"types", "--long"});
  ASSERT_EQ(r.exit_code, 0) << r;
  for (const char* id : {"scs-sf", "ecr-rs", "who-5", "swls", "brs"}) {
    SCOPED_TRACE(id);
    nlohmann::json t = FindById(types, id);
    ASSERT_TRUE(t.is_object() && t.contains("citation")) << t.dump();
    const std::string citation = t["citation"].get<std::string>();
    std::string block = LongBlock(r.out, id);
    EXPECT_THAT(block, HasSubstr(t["title"].get<std::string>() + "\n")) << r;
    EXPECT_THAT(block, HasSubstr("  source: " + t["source"].get<std::string>() + "\n")) << r;
    EXPECT_THAT(block, HasSubstr("  " + t["description"].get<std::string>() + "\n")) << r;
    EXPECT_THAT(block, HasSubstr("  Citation: " + citation + "\n")) << r;
    RunResult show = home_.Run({"types", "show", id});
    EXPECT_THAT(show.out, HasSubstr("Citation: " + citation + "\n")) << show;
  }
  EXPECT_THAT(FindById(types, "swls")["citation"].get<std::string>(),
              HasSubstr("Journal of Personality Assessment, 49(1), 71\u201375."));
  // A type without a citation has no such line, and no such key.
  std::string checkin = LongBlock(r.out, "checkin");
  EXPECT_THAT(checkin, HasSubstr("Check-in\n")) << r;
  EXPECT_THAT(checkin, Not(HasSubstr("Citation:"))) << r;
  EXPECT_FALSE(FindById(types, "checkin").contains("citation"));
  for (const auto& id : BuiltinTypeIds()) EXPECT_NE(LongBlock(r.out, id), "") << id << r;
  // --format json is the list it always was.
  RunResult json = home_.Run({"--format", "json", "types", "--long"});
  ASSERT_EQ(json.exit_code, 0) << json;
  EXPECT_EQ(json.JsonOut(), home_.Json({"types"})) << json;
}

}  // namespace
}  // namespace haven::e2e
