// Text fields of guided logging through a pseudo-terminal: $EDITOR in a
// private runtime directory that leaves nothing behind, a failing editor
// that saves nothing; fields given with -f not asked again; and the
// non-terminal error naming the missing field. The walk through every field
// is tested in guided_log_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
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

// A scripted $EDITOR: appends the text of $HV_EDITOR_TEXT (a file the test
// deletes afterwards) to the file it is given, and notes where that file was
// and the mode of its directory in $HV_EDITOR_INFO. Like real editors it also
// leaves a swap file and a backup beside the buffer. The script itself never
// holds the text.
constexpr char kEditorScript[] = R"sh(#!/bin/sh
set -e
dir=$(dirname "$1")
printf '%s\n%s\n' "$1" "$(stat -c %a "$dir")" > "$HV_EDITOR_INFO"
cat "$HV_EDITOR_TEXT" > "$dir/.entry.txt.swp"
cp "$1" "$1~"
cat "$HV_EDITOR_TEXT" >> "$1"
)sh";

class PluginsE2ePrompt : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(home_.Init().is_object());
    // Unlocked beforehand, so the terminal only sees the field prompts.
    RunResult unlock = home_.Run({"unlock"});
    ASSERT_EQ(unlock.exit_code, 0) << unlock;
    editor_ = home_.Scratch("editor.sh");
    WriteFile(editor_, kEditorScript, 0700);
    editor_text_ = home_.Scratch("editor-text");
    editor_info_ = home_.Scratch("editor-info");
  }

  EnvOverrides EditorEnv(const std::string& editor) const {
    return {{"EDITOR", editor},
            {"VISUAL", std::nullopt},
            {"HV_EDITOR_TEXT", editor_text_},
            {"HV_EDITOR_INFO", editor_info_}};
  }

  // A marker built from pieces, so it appears in no source or script as is.
  static std::string Marker() {
    static int counter = 0;
    return std::string("quince") + "-" + std::to_string(getpid()) + "-" + "lantern" + "-" +
           std::to_string(++counter) + "-orchard";
  }

  // Nothing of `marker` anywhere under the test's directory (home, runtime
  // dir, scratch files), and no editor directory left in the runtime dir.
  void ExpectNoTraces(const std::string& marker) {
    EXPECT_THAT(DirEntriesStartingWith(home_.runtime_dir(), "haven-edit-"), IsEmpty());
    EXPECT_THAT(FilesContaining(home_.root(), marker), IsEmpty());
  }

  TestHome home_;
  std::string editor_, editor_text_, editor_info_;
};

TEST_F(PluginsE2ePrompt, GivenFieldsAreNotAskedAgain) {
  RunResult r = home_.RunOnTerminal({"log", "checkin", "-f", "mood=4", "-f", "resilience=5", "-f",
                                     "connection=6", "-f", "satisfaction=7", "-f", "note=calm"},
                                    {{"Save it? [Y/n] > ", "\n"}});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.err, Not(HasSubstr("How is your mood"))) << r;
  EXPECT_THAT(r.err, Not(HasSubstr("Anything else"))) << r;
  EXPECT_EQ(ShowEntry(home_, r.Trimmed())["fields"]["mood"], 4);
}

// The letter's other fields, so that the editor opens for the letter alone.
const std::vector<std::string> kLetterOthers = {"-f", "emotions=tired",  "-f", "perspective=friend",
                                                "-f", "reflection=later"};

std::vector<std::string> LogLetter(const std::string& issue) {
  std::vector<std::string> args = {"log", "letter", "-f", "issue=" + issue};
  args.insert(args.end(), kLetterOthers.begin(), kLetterOthers.end());
  return args;
}

TEST_F(PluginsE2ePrompt, LetterTextFieldGoesThroughTheEditorAndLeavesNothingBehind) {
  const std::string marker = Marker();
  WriteFile(editor_text_, "Dear me,\n" + marker + "\n");
  RunResult r = home_.RunOnTerminal(LogLetter("the meeting"),
                                    {{"Write your letter", ""}, {"Save it? [Y/n] > ", "\n"}},
                                    EditorEnv(editor_));
  // The text lives only in the entry from now on.
  fs::remove(editor_text_);
  ASSERT_EQ(r.exit_code, 0) << r;
  std::string id = r.Trimmed();
  ASSERT_FALSE(id.empty()) << r;

  nlohmann::json e = ShowEntry(home_, id);
  EXPECT_EQ(e["fields"]["letter"], "Dear me,\n" + marker) << e.dump();
  EXPECT_EQ(e["fields"]["issue"], "the meeting");

  // The editor ran on a file in a 0700 directory of the runtime dir.
  std::string info = ReadFile(editor_info_);
  ASSERT_FALSE(info.empty()) << "the editor did not run" << r;
  std::string buffer = info.substr(0, info.find('\n'));
  std::string mode = info.substr(info.find('\n') + 1);
  while (!mode.empty() && mode.back() == '\n') mode.pop_back();
  EXPECT_EQ(fs::path(buffer).parent_path().parent_path().string(), home_.runtime_dir()) << info;
  EXPECT_TRUE(fs::path(buffer).parent_path().filename().string().starts_with("haven-edit-"))
      << info;
  EXPECT_EQ(mode, "700") << info;
  EXPECT_FALSE(fs::exists(fs::path(buffer).parent_path())) << "editor directory left behind";

  // No buffer, swap or backup file holds the text, and the vault stores no
  // plaintext of it.
  ExpectNoTraces(marker);
}

TEST_F(PluginsE2ePrompt, AFailingEditorSavesNothingAndLeavesNothingBehind) {
  const std::string marker = Marker();
  WriteFile(editor_text_, marker + "\n");
  std::string failing = home_.Scratch("failing-editor.sh");
  WriteFile(failing,
            "#!/bin/sh\nprintf '%s\\n' \"$1\" > \"$HV_EDITOR_INFO\"\n"
            "cat \"$HV_EDITOR_TEXT\" >> \"$1\"\nexit 1\n",
            0700);
  RunResult r = home_.RunOnTerminal(LogLetter("x"), {}, EditorEnv(failing));
  fs::remove(editor_text_);
  EXPECT_NE(r.exit_code, 0) << r;
  EXPECT_TRUE(r.out.empty()) << r;
  EXPECT_FALSE(ReadFile(editor_info_).empty()) << "the editor did not run" << r;
  EXPECT_EQ(EntryCount(home_), 0u);
  ExpectNoTraces(marker);
}

TEST_F(PluginsE2ePrompt, EditorBufferFallsBackToDevShmWithoutARuntimeDir) {
  if (!fs::is_directory("/dev/shm")) GTEST_SKIP() << "no /dev/shm";
  const std::string marker = Marker();
  WriteFile(editor_text_, marker + "\n");
  EnvOverrides env = EditorEnv(editor_);
  env["XDG_RUNTIME_DIR"] = std::nullopt;
  RunResult r = home_.RunOnTerminal(LogLetter("x"), {{"Save it? [Y/n] > ", "\n"}}, env);
  fs::remove(editor_text_);
  ASSERT_EQ(r.exit_code, 0) << r;
  std::string info = ReadFile(editor_info_);
  std::string buffer = info.substr(0, info.find('\n'));
  EXPECT_EQ(fs::path(buffer).parent_path().parent_path().string(), "/dev/shm") << info;
  EXPECT_FALSE(fs::exists(fs::path(buffer).parent_path())) << info;
  EXPECT_EQ(ShowEntry(home_, r.Trimmed())["fields"]["letter"], marker);
  ExpectNoTraces(marker);
  EXPECT_THAT(FilesContaining("/dev/shm", marker), IsEmpty());
}

TEST_F(PluginsE2ePrompt, WithoutATerminalAMissingRequiredFieldIsExit2NamingIt) {
  RunResult r = home_.Run({"log", "checkin"});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("\"mood\"")) << r;
  EXPECT_EQ(r.ErrLines(), 1) << r;
  EXPECT_TRUE(r.out.empty()) << r;

  // A text field does not open an editor off a terminal.
  WriteFile(editor_text_, "unused\n");
  r = home_.Run({"log", "letter", "-f", "issue=x"}, EditorEnv(editor_));
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("\"letter\"")) << r;
  EXPECT_TRUE(ReadFile(editor_info_).empty()) << "the editor ran without a terminal";

  r = home_.Run({"log", "break", "-f", "situation=x", "-f", "distress_after=2"});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("\"distress_before\"")) << r;
  EXPECT_EQ(EntryCount(home_), 0u);
}

}  // namespace
}  // namespace haven::e2e
