// The questionnaire built-ins logged on a pseudo-terminal, as a person
// would: every item asked in order with its prompt and scale, an answer out
// of range asked again, Enter to save; the calm line after a low WHO-5 shown
// once, after the entry is saved, with only the id on stdout.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/care_note.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/plugin_harness.h"

namespace haven::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kNote(kLowWellBeingNote);

// Questions `first`.. of `total`, answering `answers` in order on
// "[`min` to `max`] > " lines.
void Answer(std::vector<TerminalStep>* dialogue, int first, int total, const std::string& scale,
            const std::vector<int>& answers) {
  for (size_t i = 0; i < answers.size(); ++i) {
    dialogue->push_back(
        {"(" + std::to_string(first + static_cast<int>(i)) + " of " + std::to_string(total) + ")",
         ""});
    dialogue->push_back({"[" + scale + "] > ", std::to_string(answers[i]) + "\n"});
  }
}

class GuidedMeasures : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(home_.Init().is_object());
    RunResult unlock = home_.Run({"unlock"});
    ASSERT_EQ(unlock.exit_code, 0) << unlock;
  }

  // Runs `haven log TYPE` on a terminal with `dialogue` then Enter to save;
  // the saved entry (null when it failed).
  nlohmann::json Guided(const std::string& type, std::vector<TerminalStep> dialogue,
                        RunResult* result = nullptr) {
    dialogue.push_back({"Your entry, as it will be saved:", ""});
    dialogue.push_back({"Save it? [Y/n] > ", "\n"});
    RunResult r = home_.RunOnTerminal({"log", type}, dialogue);
    EXPECT_EQ(r.exit_code, 0) << r;
    if (result != nullptr) *result = r;
    if (r.exit_code != 0) return nullptr;
    return ShowEntry(home_, r.Trimmed());
  }

  TestHome home_;
};

TEST_F(GuidedMeasures, EcrRsAsksTheRelationshipFirstThenNineItems) {
  std::vector<TerminalStep> dialogue = {
      {"(1 of 10) Which relationship are you answering about?", ""},
      {"[mother, father, partner, friend] > ", "sister\n"},
      {"does not fit", ""},
      {"[mother, father, partner, friend] > ", "Partner\n"},
      {"(2 of 10) Item 1 (1 = strongly disagree ... 7 = strongly agree)", ""},
      {"Answer item 1 of the published questionnaire", ""},
      {"[1 to 7] > ", "8\n"},
      {"does not fit", ""},
      {"[1 to 7] > ", "1\n"}};
  Answer(&dialogue, 3, 10, "1 to 7", {2, 3, 5, 6, 7, 2, 4, 6});
  nlohmann::json e = Guided("ecr-rs", dialogue);
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["fields"]["relationship"], "partner") << e.dump();
  EXPECT_EQ(e["fields"]["q9"], 6) << e.dump();
  EXPECT_DOUBLE_EQ(e["derived"]["avoidance"].get<double>(), 34.0 / 6) << e.dump();
  EXPECT_DOUBLE_EQ(e["derived"]["anxiety"].get<double>(), 4.0) << e.dump();
}

TEST_F(GuidedMeasures, Who5ShowsItsWordingAndALowOneTheCalmLineAfterSaving) {
  std::vector<TerminalStep> dialogue = {
      {"(1 of 5) Over the last two weeks: I have felt cheerful and in good spirits", ""},
      {"5 All of the time, 4 Most of the time", ""},
      {"[0 to 5] > ", "6\n"},
      {"does not fit", ""},
      {"[0 to 5] > ", "1\n"}};
  Answer(&dialogue, 2, 5, "0 to 5", {3, 3, 3, 3});
  RunResult r;
  nlohmann::json e = Guided("who-5", dialogue, &r);
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["derived"]["flag"], "low") << e.dump();
  EXPECT_EQ(e["derived"]["percent"], 52) << e.dump();
  // The note comes once, after the entry was saved; stdout is the id alone.
  size_t note = r.err.find(kNote);
  ASSERT_NE(note, std::string::npos) << r;
  EXPECT_GT(note, r.err.find("Save it?")) << r;
  EXPECT_EQ(r.err.find(kNote, note + 1), std::string::npos) << r;
  EXPECT_EQ(r.Trimmed(), e["id"].get<std::string>()) << r;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << r;
}

TEST_F(GuidedMeasures, AWho5AboveTheLineSavesWithoutTheNote) {
  std::vector<TerminalStep> dialogue;
  Answer(&dialogue, 1, 5, "0 to 5", {4, 3, 5, 2, 2});
  RunResult r;
  nlohmann::json e = Guided("who-5", dialogue, &r);
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["derived"]["percent"], 64) << e.dump();
  EXPECT_THAT(r.err, Not(HasSubstr(kNote))) << r;
}

TEST_F(GuidedMeasures, SwlsAsksItsFiveStatements) {
  std::vector<TerminalStep> dialogue = {{"(1 of 5) In most ways my life is close to my ideal", ""},
                                        {"7 Strongly agree, 6 Agree, 5 Slightly agree", ""},
                                        {"[1 to 7] > ", "0\n"},
                                        {"does not fit", ""},
                                        {"[1 to 7] > ", "5\n"}};
  Answer(&dialogue, 2, 5, "1 to 7", {5, 6, 5, 5});
  nlohmann::json e = Guided("swls", dialogue);
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["derived"], (nlohmann::json{{"total", 26}, {"band", "satisfied"}})) << e.dump();
}

TEST_F(GuidedMeasures, BrsAsksSixNumberedItems) {
  std::vector<TerminalStep> dialogue = {
      {"(1 of 6) Item 1 (1 = strongly disagree ... 5 = strongly agree)", ""},
      {"[1 to 5] > ", "4\n"}};
  Answer(&dialogue, 2, 6, "1 to 5", {1, 4, 1, 4, 2});
  nlohmann::json e = Guided("brs", dialogue);
  ASSERT_TRUE(e.is_object());
  EXPECT_DOUBLE_EQ(e["derived"]["score"].get<double>(), 26.0 / 6) << e.dump();
  EXPECT_EQ(e["derived"]["band"], "high") << e.dump();
}

}  // namespace
}  // namespace haven::e2e
