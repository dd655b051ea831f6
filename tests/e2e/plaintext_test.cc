// No plaintext of any entry on disk: not in the store, the log, temp files
// or editor buffers left behind.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <random>

#include "tests/e2e/harness.h"

namespace haven::e2e {
namespace {

namespace fs = std::filesystem;

// A string that cannot occur anywhere by chance. Random letters do not
// compress, so even a compressing store would keep a plaintext copy findable.
std::string Marker(const std::string& label) {
  static std::mt19937_64 rng(std::random_device{}());
  static const char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  std::string out = "hvmark" + label;
  for (int i = 0; i < 24; ++i) out += kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
  return out;
}

// Every regular file under `dir` whose bytes contain one of `markers`, as
// "path: marker" lines.
std::vector<std::string> FilesContaining(const std::string& dir,
                                         const std::vector<std::string>& markers,
                                         int* files_scanned) {
  std::vector<std::string> hits;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    ++*files_scanned;
    std::string bytes = ReadFile(it->path().string());
    for (const auto& m : markers) {
      if (bytes.find(m) != std::string::npos) hits.push_back(it->path().string() + ": " + m);
    }
  }
  return hits;
}

// haven-edit-* leftovers in `dir`.
std::vector<std::string> EditorLeftovers(const std::string& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    if (item.path().filename().string().rfind("haven-edit-", 0) == 0) {
      found.push_back(item.path().string());
    }
  }
  return found;
}

// True when a haven-edit-* directory readable by us in /dev/shm holds one of
// `markers` (other users' runs may leave theirs; only ours matter).
std::vector<std::string> SharedMemoryHits(const std::vector<std::string>& markers) {
  std::vector<std::string> hits;
  int scanned = 0;
  for (const auto& dir : EditorLeftovers("/dev/shm")) {
    for (const auto& h : FilesContaining(dir, markers, &scanned)) hits.push_back(h);
  }
  return hits;
}

TEST(PlaintextTest, NoMarkerOnDiskAfterLoggingEditingAndDeleting) {
  TestHome home;
  home.Init();
  const std::string issue = Marker("issue"), letter = Marker("letter"),
                    emotions = Marker("emotions"), person = Marker("person"), note = Marker("note"),
                    noticed = Marker("noticed"), tag = Marker("tag"), edited = Marker("edited"),
                    at_tag = Marker("second");
  const std::vector<std::string> markers{issue,   letter, emotions, person, note,
                                         noticed, tag,    edited,   at_tag};

  std::string l = home.Log({"letter", "-f", "issue=" + issue, "-f", "letter=Dear me,\n" + letter,
                            "-f", "emotions=" + emotions, "--tag", tag});
  std::string s = home.Log({"support", "-f", "reached_out_to=" + person, "-f", "note=" + note});
  std::string m =
      home.Log({"mindfulness", "--json", "{\"minutes\": 5, \"noticed\": \"" + noticed + "\"}"});
  std::string c = home.Log({"checkin", "-f", "mood=5", "--tag", at_tag});
  ASSERT_EQ(home.Run({"edit", c, "-f", "note=" + edited}).exit_code, 0);
  ASSERT_EQ(home.Run({"rm", s}).exit_code, 0);
  // Reading paths too: none may cache plaintext on disk.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"list", "--format", "table"},
        {"show", l, "--history"},
        {"stats"},
        {"export", "--format", "csv"},
        {"doctor"},
        {"vault", "info"}}) {
    RunResult r = home.Run(args);
    ASSERT_EQ(r.exit_code, 0) << r;
  }
  // Sanity: the markers did get stored (and come back out).
  RunResult shown = home.Run({"--format", "json", "show", l});
  ASSERT_NE(shown.out.find(letter), std::string::npos) << shown;

  home.StopDaemon();
  ASSERT_FALSE(home.DaemonRunning());
  int scanned = 0;
  std::vector<std::string> hits = FilesContaining(home.root(), markers, &scanned);
  EXPECT_GT(scanned, 3) << "the store should hold several files";
  EXPECT_TRUE(hits.empty()) << "plaintext on disk:\n" << ::testing::PrintToString(hits);
  EXPECT_TRUE(EditorLeftovers(home.runtime_dir()).empty());
  EXPECT_TRUE(SharedMemoryHits(markers).empty());
}

// The search index lives only in the daemon's memory: searching writes
// nothing of the words to disk, before or after `haven lock`.
TEST(PlaintextTest, SearchLeavesNoWordOnDiskUnlockedOrLocked) {
  TestHome home;
  home.Init();
  const std::string word = Marker("word"), tag = Marker("tag"), phrase = Marker("phrase");
  const std::vector<std::string> markers{word, tag, phrase};
  const std::string id = home.Log({"letter", "-f", "issue=" + word, "-f",
                                   "letter=Dear me, " + phrase + " gently", "--tag", tag});
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"search", word, "--format", "jsonl"},
        {"search", tag, "--format", "table"},
        {"search", phrase + " gently", "--format", "json"},
        {"search", word, "-nothing", "--deleted", "--format", "csv"}}) {
    RunResult r = home.Run(args);
    ASSERT_EQ(r.exit_code, 0) << r;
    ASSERT_NE(r.out.find(id.substr(0, 8)), std::string::npos) << r;  // found
  }
  int scanned = 0;
  EXPECT_TRUE(FilesContaining(home.root(), markers, &scanned).empty());
  ASSERT_EQ(home.Run({"lock"}).exit_code, 0);
  EXPECT_TRUE(FilesContaining(home.root(), markers, &scanned).empty());
  home.StopDaemon();
  EXPECT_TRUE(FilesContaining(home.root(), markers, &scanned).empty());
  EXPECT_GT(scanned, 3);
}

TEST(PlaintextTest, EditorBufferIsPrivateAndWipedAfterTerminalLog) {
  TestHome home;
  home.Init();
  const std::string text = Marker("edited-in-editor");
  const std::string seen = home.Scratch("editor-seen");
  // A stand-in for $EDITOR: notes where and how private its file is, then
  // types the text (from the environment, so no file of ours holds it).
  const std::string editor = home.Scratch("fake-editor.sh");
  WriteFile(editor,
            "#!/bin/sh\n"
            "dir=$(dirname \"$1\")\n"
            "printf '%s\\n%s\\n' \"$dir\" \"$(stat -c %a \"$dir\")\" > '" +
                seen +
                "'\n"
                "printf '%s\\n' \"$HAVEN_TEST_TEXT\" >> \"$1\"\n",
            0700);

  // The other fields given, so that the guided log asks for the letter alone.
  RunResult r =
      home.RunOnTerminal({"log", "letter", "-f", "issue=a letter to myself", "-f", "emotions=tired",
                          "-f", "perspective=friend", "-f", "reflection=later"},
                         {{"Save it? [Y/n] > ", "\n"}},
                         {{"EDITOR", editor}, {"VISUAL", std::nullopt}, {"HAVEN_TEST_TEXT", text}});
  ASSERT_EQ(r.exit_code, 0) << r;
  std::string id = r.Trimmed();
  nlohmann::json e = home.Json({"show", id});
  EXPECT_EQ(e["fields"]["letter"], text) << e.dump();

  std::string editor_dir, mode;
  {
    std::istringstream in(ReadFile(seen));
    std::getline(in, editor_dir);
    std::getline(in, mode);
  }
  ASSERT_FALSE(editor_dir.empty()) << "the editor never ran" << r;
  EXPECT_EQ(editor_dir.rfind(home.runtime_dir() + "/haven-edit-", 0), 0u)
      << "editor file outside $XDG_RUNTIME_DIR: " << editor_dir;
  EXPECT_EQ(mode, "700");
  EXPECT_FALSE(fs::exists(editor_dir)) << "editor buffer left behind: " << editor_dir;
  EXPECT_TRUE(EditorLeftovers(home.runtime_dir()).empty());

  home.StopDaemon();
  int scanned = 0;
  std::vector<std::string> hits = FilesContaining(home.root(), {text}, &scanned);
  EXPECT_TRUE(hits.empty()) << "plaintext on disk:\n" << ::testing::PrintToString(hits);
  EXPECT_TRUE(SharedMemoryHits({text}).empty());
}

}  // namespace
}  // namespace haven::e2e
