// haven export and import between two devices' homes.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "tests/e2e/harness.h"

namespace haven::e2e {
namespace {

// Logs a varied journal: several types, tags, explicit times, multi-line and
// non-ASCII text, an edit and a deleted entry.
void LogVariedJournal(const TestHome& home) {
  std::string a =
      home.Log({"mindfulness", "-f", "minutes=12.5", "-f", "practice=body-scan", "-f",
                "judgment_before=6", "--tag", "morning", "--at", "2026-11-20T08:30:00+01:00"});
  home.Log({"checkin", "--json",
            R"({"mood": 7, "connection": 4, "note": "zwei Zeilen\nmit Umlauten: äöü — ✓"})", "--at",
            "2026-11-21 21:15"});
  home.Log({"break", "-f", "situation=a hard meeting", "-f", "distress_before=8", "-f",
            "distress_after=4", "-f", "touch=hand-on-heart", "--tag", "work", "--tag", "hard"});
  home.Log({"self-talk", "-f", "critical_thought=I always fail", "-f", "belief_before=80", "-f",
            "reframe=I failed once; I can learn", "-f", "belief_after=30"});
  std::string gone = home.Log({"support", "-f", "reached_out_to=a friend", "-f", "channel=call"});
  ASSERT_EQ(home.Run({"edit", a, "-f", "minutes=15", "-f", "judgment_after=3"}).exit_code, 0);
  ASSERT_EQ(home.Run({"rm", gone}).exit_code, 0);
}

nlohmann::json ExportJson(const TestHome& home) {
  RunResult r = home.Run({"export", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r;
  return r.JsonOut();
}

TEST(ImportExportTest, JsonExportImportRoundTripsAndReimportSkips) {
  TestHome source;
  source.Init();
  LogVariedJournal(source);
  std::string file = source.Scratch("export.json");
  RunResult out = source.Run({"export", "--format", "json", "-o", file});
  ASSERT_EQ(out.exit_code, 0) << out;
  nlohmann::json exported = nlohmann::json::parse(ReadFile(file), nullptr, false);
  ASSERT_TRUE(exported.is_array()) << ReadFile(file);
  ASSERT_EQ(exported.size(), 4u) << exported.dump(2);
  EXPECT_EQ(exported, ExportJson(source)) << "-o and stdout differ";
  // Derived values travel with the entry.
  bool saw_derived = false;
  for (const auto& e : exported) {
    if (e.value("type", "") == "break") {
      EXPECT_EQ(e["derived"]["distress_change"], -4) << e.dump();
      saw_derived = true;
    }
  }
  EXPECT_TRUE(saw_derived);

  TestHome target;
  target.Init();
  RunResult import = target.Run({"import", file});
  ASSERT_EQ(import.exit_code, 0) << import;
  nlohmann::json again = ExportJson(target);
  EXPECT_EQ(again, exported) << "round trip changed the export:\nbefore " << exported.dump(2)
                             << "\nafter " << again.dump(2);

  int64_t records = target.Records();
  RunResult twice = target.Run({"--format", "json", "import", file});
  ASSERT_EQ(twice.exit_code, 0) << twice;
  nlohmann::json counts = twice.JsonOut();
  EXPECT_EQ(counts.value("imported", -1), 0) << twice;
  EXPECT_EQ(counts.value("skipped", -1), 4) << twice;
  EXPECT_EQ(target.Records(), records) << "re-import wrote records";
  EXPECT_EQ(ExportJson(target), exported);
}

TEST(ImportExportTest, ImportJsonLinesFromStdinGivesFreshIds) {
  TestHome home;
  home.Init();
  std::string lines =
      R"({"type": "checkin", "at": "2026-11-20T08:00:00Z", "tags": ["a"], "fields": {"mood": 3}})"
      "\n"
      R"({"type": "mindfulness", "at": "2026-11-21T08:00:00Z", "fields": {"minutes": 9}})"
      "\n";
  RunResult r = home.Run({"import", "-"}, {}, lines);
  ASSERT_EQ(r.exit_code, 0) << r;
  RunResult list = home.Run({"list"});
  auto entries = list.JsonLines();
  ASSERT_EQ(entries.size(), 2u) << list;
  EXPECT_EQ(entries[0]["type"], "mindfulness");
  EXPECT_EQ(entries[0]["fields"]["minutes"], 9);
  EXPECT_EQ(entries[1]["tags"], nlohmann::json::array({"a"}));
  EXPECT_FALSE(entries[0].value("id", "").empty());
  EXPECT_NE(entries[0]["id"], entries[1]["id"]);
}

TEST(ImportExportTest, ImportWithOneBadEntryFailsNamingTheLineAndWritesNothing) {
  TestHome home;
  home.Init();
  std::string file = home.Scratch("bad.jsonl");
  WriteFile(file, R"({"type": "checkin", "at": "2026-11-20T08:00:00Z", "fields": {"mood": 3}})"
                  "\n"
                  R"({"type": "checkin", "at": "2026-11-20T09:00:00Z", "fields": {"mood": 42}})"
                  "\n"
                  R"({"type": "checkin", "at": "2026-11-20T10:00:00Z", "fields": {"mood": 5}})"
                  "\n");
  int64_t records = home.Records();
  RunResult r = home.Run({"import", file});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.ErrLines(), 1) << r;
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r;
  EXPECT_NE(r.err.find("mood"), std::string::npos) << r;
  EXPECT_EQ(home.Records(), records);
  EXPECT_TRUE(home.Run({"list"}).JsonLines().empty());
}

// The home's own files by name, recursively (the scratch spool of an
// import must never appear among them).
std::set<std::string> HomeFiles(const TestHome& home) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::recursive_directory_iterator(home.path())) {
    names.insert(std::filesystem::relative(e.path(), home.path()).string());
  }
  return names;
}

// `count` check-in entries as JSON Lines, spread over nine days, each with
// `note` when it is not empty.
std::string CheckinLines(int count, const std::string& note = "") {
  std::string lines;
  for (int i = 0; i < count; ++i) {
    lines += R"({"type": "checkin", "at": "2026-11-)" + std::to_string(10 + i % 9) +
             R"(T08:00:00Z", "fields": {"mood": )" + std::to_string(1 + i % 10);
    if (!note.empty()) lines += R"(, "note": ")" + note + '"';
    lines += "}}\n";
  }
  return lines;
}

TEST(ImportExportTest, LargeStdinImportIsCheckedWholeBeforeAnyWriteAndStreamsOnce) {
  TestHome home;
  home.Init();
  // More entries than one checked batch and more bytes than one sent chunk.
  constexpr int kEntries = 5000;
  const std::string good = CheckinLines(kEntries, "import-scratch-marker " + std::string(200, 'n'));
  const std::string bad_last =
      R"({"type": "checkin", "at": "2026-11-20T08:00:00Z", "fields": {"mood": 42}})"
      "\n";
  const int64_t records = home.Records();
  RunResult failed = home.Run({"import", "-"}, {}, good + bad_last);
  EXPECT_EQ(failed.exit_code, 2) << failed;
  EXPECT_NE(failed.err.find("line " + std::to_string(kEntries + 1)), std::string::npos) << failed;
  EXPECT_EQ(home.Records(), records) << "a failed import wrote records";

  // A locked vault is unlocked before standard input is read.
  ASSERT_EQ(home.Run({"lock"}).exit_code, 0);
  const auto files_before = HomeFiles(home);
  RunResult r = home.Run({"--format", "json", "import", "-"}, {}, good);
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.JsonOut().value("imported", -1), kEntries) << r;
  EXPECT_EQ(home.Records(), records + kEntries);
  nlohmann::json info = home.Json({"vault", "info"});
  EXPECT_EQ(info.value("entries", -1), kEntries) << info.dump();
  // The CLI leaves without tearing gRPC down; every line of a listing of
  // more than a megabyte still reaches the pipe, the last one whole.
  RunResult all = home.Run({"--format", "jsonl", "list", "--limit", std::to_string(kEntries)});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_GT(all.out.size(), 1u << 20);
  EXPECT_EQ(all.JsonLines().size(), static_cast<size_t>(kEntries));
  for (const auto& name : HomeFiles(home)) {
    if (name.rfind("store", 0) == 0) continue;  // RocksDB's own files
    EXPECT_TRUE(files_before.count(name)) << "left behind in the home: " << name;
  }
}

TEST(ImportExportTest, BigImportWritesEveryEntryAndTheVaultStaysWhole) {
  TestHome home;
  home.Init();
  // Enough entries for the import to pause compaction while it writes.
  constexpr int kEntries = 25000;
  std::string file = home.Scratch("big.jsonl");
  WriteFile(file, CheckinLines(kEntries));
  RunResult r = home.Run({"--format", "json", "import", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.JsonOut().value("imported", -1), kEntries) << r;
  RunResult doctor = home.Run({"doctor"});
  EXPECT_EQ(doctor.exit_code, 0) << doctor;
  home.StopDaemon();  // the next command starts a fresh daemon on the same store
  // The device's first record is its Enrol membership record, written at
  // init: one more record than the entries imported.
  EXPECT_EQ(home.Records(), kEntries + 1);
  RunResult listed = home.Run({"--format", "jsonl", "list", "--limit", "3"});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  EXPECT_EQ(listed.JsonLines().size(), 3u) << listed;
}

TEST(ImportExportTest, OversizedEntryFailsTheImportNamingItsLineBeforeAnyWrite) {
  TestHome home;
  home.Init();
  // Past the first written batch (1,024), so a late size check would have
  // written the entries before it.
  std::string lines;
  for (int i = 0; i < 1500; ++i) {
    lines += R"({"type": "checkin", "at": "2026-11-20T08:00:00Z", "fields": {"mood": 4}})"
             "\n";
  }
  lines += R"({"type": "checkin", "at": "2026-11-20T09:00:00Z", "fields": {"mood": 4, "note": ")" +
           std::string(300 * 1024, 'x') +
           R"("}})"
           "\n";
  std::string file = home.Scratch("big.jsonl");
  WriteFile(file, lines);
  const int64_t records = home.Records();
  RunResult r = home.Run({"import", file});
  EXPECT_EQ(r.exit_code, 2) << r.err.substr(0, 300);
  EXPECT_EQ(r.ErrLines(), 1) << r.err.substr(0, 300);
  EXPECT_NE(r.err.find("line 1501"), std::string::npos) << r.err.substr(0, 300);
  EXPECT_NE(r.err.find("too large"), std::string::npos) << r.err.substr(0, 300);
  EXPECT_EQ(home.Records(), records) << "an import that failed wrote records";
}

TEST(ImportExportTest, ImportOfMissingFileExits2) {
  TestHome home;
  home.Init();
  RunResult r = home.Run({"import", home.Scratch("no-such-file.json")});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find("no-such-file.json"), std::string::npos) << r;
}

}  // namespace
}  // namespace haven::e2e
