// Guided `haven log` on a pseudo-terminal (docs/commands.md, `haven log`):
// every field in its order, Enter skipping optional ones, an invalid answer
// refused and asked again before the next question, the editor's template
// with an empty first line, typed lines without an editor, the final
// question whether to save, the menu of types, fields given with -f or
// --json not asked, and the passphrase asked before the questions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"
#include "tests/e2e/plugin_harness.h"

namespace haven::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// A scripted $EDITOR that checks the template it is given: it notes in
// $HV_EDITOR_INFO whether the first line is empty and how many of the lines
// after it are comments (and how many are not), then writes the text of
// $HV_EDITOR_TEXT on the first line, above the comments, as a person would.
constexpr char kTemplateEditor[] = R"sh(#!/bin/sh
set -e
first=$(head -n 1 "$1")
comments=$(tail -n +2 "$1" | grep -c '^#' || true)
others=$(tail -n +2 "$1" | grep -vc '^#' || true)
{
  printf 'first=[%s]\n' "$first"
  printf 'comments=%s\n' "$comments"
  printf 'others=%s\n' "$others"
  tail -n +2 "$1"
} > "$HV_EDITOR_INFO"
text=$(cat "$HV_EDITOR_TEXT")
rest=$(tail -n +2 "$1")
printf '%s\n%s\n' "$text" "$rest" > "$1"
)sh";

// Neither EDITOR nor VISUAL: text fields take typed lines.
const EnvOverrides kNoEditor = {{"EDITOR", std::nullopt}, {"VISUAL", std::nullopt}};

// Enter on `n` optional questions in a row.
void Skip(std::vector<TerminalStep>* dialogue, int n) {
  for (int i = 0; i < n; ++i) dialogue->push_back({"Enter to skip] > ", "\n"});
}

// Where `needle` first shows on the terminal after `from` (npos: never).
size_t At(const RunResult& r, const std::string& needle, size_t from = 0) {
  return r.err.find(needle, from);
}

class GuidedLog : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(home_.Init().is_object());
    RunResult unlock = home_.Run({"unlock"});
    ASSERT_EQ(unlock.exit_code, 0) << unlock;
    editor_ = home_.Scratch("editor.sh");
    WriteFile(editor_, kTemplateEditor, 0700);
    editor_text_ = home_.Scratch("editor-text");
    editor_info_ = home_.Scratch("editor-info");
  }

  EnvOverrides EditorEnv() const {
    return {{"EDITOR", editor_},
            {"VISUAL", std::nullopt},
            {"HV_EDITOR_TEXT", editor_text_},
            {"HV_EDITOR_INFO", editor_info_}};
  }

  TestHome home_;
  std::string editor_, editor_text_, editor_info_;
};

TEST_F(GuidedLog, CheckinAsksEveryFieldInOrderAndEnterSkipsTheOptionalOnes) {
  std::vector<TerminalStep> dialogue = {{"(1 of 5) How is your mood", ""}, {"[0 to 10] > ", "7\n"}};
  dialogue.push_back({"(2 of 5) How able do you feel", ""});
  dialogue.push_back({"[0 to 10, Enter to skip] > ", "6\n"});
  Skip(&dialogue, 2);  // connection, satisfaction
  dialogue.push_back({"(5 of 5) Anything else on your mind?", ""});
  dialogue.push_back({"an empty first line skips it", ""});
  dialogue.push_back({"  > ", "\n"});
  dialogue.push_back({"Save it? [Y/n] > ", "\n"});
  RunResult r = home_.RunOnTerminal({"log", "checkin"}, dialogue, kNoEditor);
  ASSERT_EQ(r.exit_code, 0) << r;
  // Each question with its help, in the manifest's order.
  EXPECT_THAT(r.err, HasSubstr("There is no right number; this is just for you.")) << r;
  size_t connection = At(r, "(3 of 5) How connected do you feel");
  size_t satisfaction = At(r, "(4 of 5) How satisfied are you");
  ASSERT_NE(connection, std::string::npos) << r;
  EXPECT_LT(connection, satisfaction) << r;
  // The entry as it will be saved, before the question.
  EXPECT_LT(At(r, "Your entry, as it will be saved:"), At(r, "Save it?")) << r;
  EXPECT_THAT(r.err, HasSubstr("resilience: 6")) << r;

  nlohmann::json e = ShowEntry(home_, r.Trimmed());
  EXPECT_EQ(e["type"], "checkin");
  EXPECT_EQ(e["fields"]["mood"], 7) << e.dump();
  EXPECT_EQ(e["fields"]["resilience"], 6) << e.dump();
  for (const char* skipped : {"connection", "satisfaction", "note"}) {
    EXPECT_FALSE(e["fields"].contains(skipped)) << skipped << ": " << e.dump();
  }
}

TEST_F(GuidedLog, AnInvalidAnswerIsRefusedAndAskedAgainBeforeTheNextQuestion) {
  std::vector<TerminalStep> dialogue = {{"[0 to 10] > ", "12\n"},
                                        {"does not fit", ""},
                                        {"[0 to 10] > ", "ten\n"},
                                        {"does not fit", ""},
                                        {"[0 to 10] > ", "9\n"}};
  Skip(&dialogue, 3);
  dialogue.push_back({"  > ", "\n"});
  dialogue.push_back({"Save it? [Y/n] > ", "y\n"});
  RunResult r = home_.RunOnTerminal({"log", "checkin"}, dialogue, kNoEditor);
  ASSERT_EQ(r.exit_code, 0) << r;
  size_t refused = At(r, "it must be a whole number from 0 to 10, got \"12\"");
  ASSERT_NE(refused, std::string::npos) << r;
  EXPECT_LT(refused, At(r, "(2 of 5)")) << "refused only after the next question" << r;
  EXPECT_NE(At(r, "got \"ten\""), std::string::npos) << r;
  EXPECT_EQ(ShowEntry(home_, r.Trimmed())["fields"]["mood"], 9);
  EXPECT_EQ(EntryCount(home_), 1u);
}

TEST_F(GuidedLog, BreakAsksItsThreePhrasesAndTheSoothingTouch) {
  WriteFile(editor_text_, "a hard call with my sister\n");
  std::vector<TerminalStep> dialogue = {
      {"(1 of 8) What is happening that hurts right now?", ""},
      {"(2 of 8) Where do you feel it in your body?", ""},
      {"Enter to skip] > ", "\n"},
      {"(3 of 8) Name the moment", ""},
      {"Enter to skip] > ", "This is a moment of suffering\n"},
      {"(4 of 8) What reminded you that you are not alone", ""},
      {"Enter to skip] > ", "Others feel this too\n"},
      {"(5 of 8) What kind words did you offer yourself?", ""},
      {"Enter to skip] > ", "May I be kind to myself\n"},
      {"(6 of 8) Did you use a soothing touch?", ""},
      {"[none, hand-on-heart, hug, other, Enter to skip] > ", "a hug\n"},
      {"does not fit", ""},
      {"Enter to skip] > ", "Hand-on-Heart\n"},
      {"(7 of 8)", ""},
      {"[0 to 10] > ", "12\n"},
      {"does not fit", ""},
      {"[0 to 10] > ", "8\n"},
      {"(8 of 8)", ""},
      {"[0 to 10] > ", "3\n"},
      {"Save it? [Y/n] > ", "\n"}};
  RunResult r = home_.RunOnTerminal({"log", "break"}, dialogue, EditorEnv());
  fs::remove(editor_text_);
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_LT(At(r, "got \"12\""), At(r, "(8 of 8)")) << r;
  nlohmann::json e = ShowEntry(home_, r.Trimmed());
  EXPECT_EQ(e["fields"]["situation"], "a hard call with my sister") << e.dump();
  EXPECT_EQ(e["fields"]["mindfulness"], "This is a moment of suffering") << e.dump();
  EXPECT_EQ(e["fields"]["common_humanity"], "Others feel this too") << e.dump();
  EXPECT_EQ(e["fields"]["kindness"], "May I be kind to myself") << e.dump();
  EXPECT_EQ(e["fields"]["touch"], "hand-on-heart") << e.dump();
  EXPECT_EQ(e["fields"]["distress_before"], 8) << e.dump();
  EXPECT_EQ(e["fields"]["distress_after"], 3) << e.dump();
  EXPECT_EQ(e["derived"]["distress_change"], -5) << e.dump();
  EXPECT_FALSE(e["fields"].contains("felt_in_body")) << e.dump();
}

TEST_F(GuidedLog, TheEditorTemplateStartsWithAnEmptyLineAndTheGuidanceAsComments) {
  WriteFile(editor_text_, "Dear me,\nyou did what you could.\n");
  RunResult r =
      home_.RunOnTerminal({"log", "letter", "-f", "issue=the meeting", "-f", "emotions=shame", "-f",
                           "perspective=friend", "-f", "reflection=warm"},
                          {{"Write your letter", ""}, {"Save it? [Y/n] > ", "\n"}}, EditorEnv());
  fs::remove(editor_text_);
  ASSERT_EQ(r.exit_code, 0) << r;
  std::string info = ReadFile(editor_info_);
  ASSERT_FALSE(info.empty()) << "the editor did not run" << r;
  EXPECT_THAT(info, HasSubstr("first=[]\n")) << info;
  EXPECT_THAT(info, HasSubstr("others=0\n")) << "a line after the first is not a comment\n" << info;
  EXPECT_THAT(info, Not(HasSubstr("comments=0\n"))) << info;
  EXPECT_THAT(info, HasSubstr("# Write your letter\n")) << info;
  EXPECT_THAT(info, HasSubstr("# Write as a friend who knows all of you")) << info;
  EXPECT_THAT(info, HasSubstr("Lines starting with # are ignored.")) << info;
  // The text typed at the top is the letter, whole, without the comments.
  nlohmann::json e = ShowEntry(home_, r.Trimmed());
  EXPECT_EQ(e["fields"]["letter"], "Dear me,\nyou did what you could.") << e.dump();
  EXPECT_THAT(DirEntriesStartingWith(home_.runtime_dir(), "haven-edit-"), IsEmpty());
}

TEST_F(GuidedLog, WithoutAnEditorATextIsTypedLinesEndingWithAnEmptyLine) {
  RunResult r = home_.RunOnTerminal({"log", "letter", "-f", "issue=x", "-f", "emotions=y", "-f",
                                     "perspective=friend", "-f", "reflection=z"},
                                    {{"Write your letter", ""},
                                     {"an empty line ends it", ""},
                                     {"  > ", "\n"},  // needed: asked again
                                     {"This one is needed", ""},
                                     {"  > ", "Dear me,\n"},
                                     {"  > ", "be gentle.\n"},
                                     {"  > ", "\n"},
                                     {"Save it? [Y/n] > ", "\n"}},
                                    kNoEditor);
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.err, Not(HasSubstr("Opening your editor"))) << r;
  EXPECT_EQ(ShowEntry(home_, r.Trimmed())["fields"]["letter"], "Dear me,\nbe gentle.");
}

TEST_F(GuidedLog, AnsweringNoAtTheEndSavesNothing) {
  std::vector<TerminalStep> dialogue = {{"[0 to 10] > ", "4\n"}};
  Skip(&dialogue, 3);
  dialogue.push_back({"  > ", "\n"});
  dialogue.push_back({"Save it? [Y/n] > ", "maybe\n"});
  dialogue.push_back({"Please answer y", ""});
  dialogue.push_back({"Save it? [Y/n] > ", "n\n"});
  RunResult r = home_.RunOnTerminal({"log", "checkin"}, dialogue, kNoEditor);
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(r.out.empty()) << r;
  EXPECT_THAT(r.err, HasSubstr("Nothing was saved")) << r;
  EXPECT_EQ(EntryCount(home_), 0u);
}

TEST_F(GuidedLog, WithoutATypeAMenuOfTheLoadedTypesComesFirst) {
  nlohmann::json types = TypesJson(home_);
  size_t checkin = 0;
  for (size_t i = 0; i < types.size(); ++i) {
    if (types[i]["id"] == "checkin") checkin = i + 1;
  }
  ASSERT_NE(checkin, 0u) << types.dump();
  const std::string range = "[1 to " + std::to_string(types.size()) + ", or its name] > ";
  std::vector<TerminalStep> dialogue = {
      {range, "99\n"}, {"no such practice", ""}, {range, std::to_string(checkin) + "\n"}};
  Skip(&dialogue, 3);  // mood and note are given
  dialogue.push_back({"Save it? [Y/n] > ", "\n"});
  RunResult r = home_.RunOnTerminal({"log", "-f", "mood=5", "--json", R"({"note":"fine"})"},
                                    dialogue, kNoEditor);
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.err, HasSubstr("Which practice would you like to log?")) << r;
  EXPECT_THAT(r.err, HasSubstr(std::to_string(checkin) + ". Check-in (checkin)")) << r;
  EXPECT_THAT(r.err, HasSubstr("Self-Compassion Break (break)")) << r;
  // Given with -f and --json: not asked.
  EXPECT_THAT(r.err, Not(HasSubstr("How is your mood"))) << r;
  EXPECT_THAT(r.err, Not(HasSubstr("Anything else on your mind"))) << r;
  nlohmann::json e = ShowEntry(home_, r.Trimmed());
  EXPECT_EQ(e["type"], "checkin");
  EXPECT_EQ(e["fields"]["mood"], 5) << e.dump();
  EXPECT_EQ(e["fields"]["note"], "fine") << e.dump();
}

TEST_F(GuidedLog, AnInvalidGivenFieldIsRefusedBeforeAnyQuestion) {
  RunResult r = home_.RunOnTerminal({"log", "checkin", "-f", "mood=12"}, {}, kNoEditor);
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("field \"mood\": must be a whole number from 0 to 10")) << r;
  EXPECT_THAT(r.err, Not(HasSubstr("(1 of"))) << r;
  r = home_.RunOnTerminal({"log", "checkin", "-f", "moood=3"}, {}, kNoEditor);
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("unknown field \"moood\"")) << r;
  EXPECT_EQ(EntryCount(home_), 0u);
}

TEST_F(GuidedLog, ALockedVaultAsksThePassphraseBeforeTheQuestions) {
  ASSERT_EQ(home_.Run({"lock"}).exit_code, 0);
  std::vector<TerminalStep> dialogue = {{"Passphrase", home_.passphrase() + "\n", true}};
  Skip(&dialogue, 3);
  dialogue.push_back({"Save it? [Y/n] > ", "\n"});
  RunResult r =
      home_.RunOnTerminal({"log", "checkin", "-f", "mood=3", "-f", "note=x"}, dialogue, kNoEditor);
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_LT(At(r, "Passphrase"), At(r, "(1 of 3)")) << r;
  EXPECT_EQ(EntryCount(home_), 1u);
}

TEST_F(GuidedLog, WithoutATerminalATypeIsNeeded) {
  RunResult r = home_.Run({"log"});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("haven log checkin")) << r;
  EXPECT_EQ(r.ErrLines(), 1) << r;
  EXPECT_TRUE(r.out.empty()) << r;
  // Non-interactive logging is as it was: no question, the id alone.
  r = home_.Run({"log", "checkin", "-f", "mood=6"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(r.err.empty()) << r;
  EXPECT_EQ(ShowEntry(home_, r.Trimmed())["fields"]["mood"], 6);
}

}  // namespace
}  // namespace haven::e2e
