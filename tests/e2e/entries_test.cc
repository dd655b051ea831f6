// haven log, list, show, edit, rm and restore, as a user drives them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <regex>
#include <sstream>

#include "tests/e2e/harness.h"

namespace haven::e2e {
namespace {

using ::testing::ElementsAre;

// Shaped like a real id (24 hex digits) but naming no entry.
constexpr char kUnknownId[] = "ffffffffffffffffffffffff";

// A home with a vault, shared by the tests of one fixture instance.
class EntriesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(home_.Init().is_object()); }

  nlohmann::json ShowJson(const std::string& id, bool history = false) {
    std::vector<std::string> args{"show", id};
    if (history) args.push_back("--history");
    return home_.Json(args);
  }

  std::vector<std::string> ListIds(std::vector<std::string> args) {
    args.insert(args.begin(), "list");
    args.insert(args.begin(), {"--format", "jsonl"});
    RunResult r = home_.Run(args);
    EXPECT_EQ(r.exit_code, 0) << r;
    return Ids(r.JsonLines());
  }

  static int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

  TestHome home_;
};

TEST_F(EntriesTest, LogPrintsTheIdAloneOnStdout) {
  RunResult r = home_.Run({"log", "mindfulness", "-f", "minutes=12"});
  ASSERT_EQ(r.exit_code, 0) << r;
  std::string id = r.Trimmed();
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9A-Za-z_-]{6,}"))) << r;
  EXPECT_EQ(r.out, id + "\n") << r;
  EXPECT_EQ(ShowJson(id).value("id", ""), id);
}

TEST_F(EntriesTest, LogWithFieldFlagsAndTagsStoresTypedValues) {
  std::string id = home_.Log({"mindfulness", "-f", "minutes=12", "-f", "practice=body-scan", "-f",
                              "judgment_before=7", "--tag", "morning", "--tag", "calm"});
  nlohmann::json e = ShowJson(id);
  for (const char* key :
       {"id", "type", "type_version", "at", "created", "updated", "tags", "fields", "derived"}) {
    EXPECT_TRUE(e.contains(key)) << key << " missing: " << e.dump();
  }
  EXPECT_EQ(e["type"], "mindfulness");
  EXPECT_EQ(e["fields"]["minutes"], 12);
  EXPECT_TRUE(e["fields"]["minutes"].is_number());
  EXPECT_EQ(e["fields"]["practice"], "body-scan");
  EXPECT_EQ(e["fields"]["judgment_before"], 7);
  std::vector<std::string> tags = e["tags"];
  std::sort(tags.begin(), tags.end());
  EXPECT_THAT(tags, ElementsAre("calm", "morning"));
  EXPECT_TRUE(ParseRfc3339(e.value("at", "")).has_value()) << e.dump();
  EXPECT_TRUE(ParseRfc3339(e.value("created", "")).has_value()) << e.dump();
}

TEST_F(EntriesTest, LogWithJsonObject) {
  std::string id =
      home_.Log({"mindfulness", "--json", R"({"minutes": 7.5, "noticed": "line one\nline two"})"});
  nlohmann::json e = ShowJson(id);
  EXPECT_EQ(e["fields"]["minutes"], 7.5);
  EXPECT_EQ(e["fields"]["noticed"], "line one\nline two");
}

TEST_F(EntriesTest, LogWithJsonFromStdin) {
  RunResult r =
      home_.Run({"log", "checkin", "--json", "-"}, {}, R"({"mood": 8, "note": "from stdin ✓"})");
  ASSERT_EQ(r.exit_code, 0) << r;
  nlohmann::json e = ShowJson(r.Trimmed());
  EXPECT_EQ(e["fields"]["mood"], 8);
  EXPECT_EQ(e["fields"]["note"], "from stdin ✓");
}

TEST_F(EntriesTest, LogAtRfc3339KeepsTheInstant) {
  std::string id = home_.Log({"checkin", "-f", "mood=5", "--at", "2026-11-20T08:30:00+01:00"});
  std::string at = ShowJson(id).value("at", "");
  EXPECT_EQ(ParseRfc3339(at), ParseRfc3339("2026-11-20T07:30:00Z")) << at;
}

TEST_F(EntriesTest, LogAtLocalDateAndTimeUsesLocalZone) {
  // A zone with a half-hour offset and no DST, written POSIX-style so no
  // zone database is needed: local 05:06 is 23:36 UTC the day before.
  RunResult r = home_.Run({"log", "checkin", "-f", "mood=5", "--at", "2026-03-04 05:06"},
                          {{"TZ", "<+0530>-05:30"}});
  ASSERT_EQ(r.exit_code, 0) << r;
  std::string at = ShowJson(r.Trimmed()).value("at", "");
  EXPECT_EQ(ParseRfc3339(at), ParseRfc3339("2026-03-03T23:36:00Z")) << at;
}

TEST_F(EntriesTest, LogAtRelativeOffset) {
  int64_t before = Now();
  std::string id = home_.Log({"checkin", "-f", "mood=5", "--at", "-2h"});
  int64_t after = Now();
  auto at = ParseRfc3339(ShowJson(id).value("at", ""));
  ASSERT_TRUE(at.has_value());
  EXPECT_GE(*at, before - 7200 - 1);
  EXPECT_LE(*at, after - 7200 + 1);
}

TEST_F(EntriesTest, LogWithFormatJsonPrintsTheEntry) {
  RunResult r = home_.Run({"--format", "json", "log", "checkin", "-f", "mood=3", "--tag", "t1"});
  ASSERT_EQ(r.exit_code, 0) << r;
  nlohmann::json e = r.JsonOut();
  ASSERT_TRUE(e.is_object()) << r;
  EXPECT_EQ(e["type"], "checkin");
  EXPECT_EQ(e["fields"]["mood"], 3);
  EXPECT_EQ(e["tags"], nlohmann::json::array({"t1"}));
  EXPECT_EQ(ShowJson(e.value("id", "")).value("fields", nlohmann::json()), e["fields"]);
}

TEST_F(EntriesTest, ListIsNewestFirstAndFilters) {
  std::string a = home_.Log({"mindfulness", "-f", "minutes=1", "--at", "-72h", "--tag", "x"});
  std::string b = home_.Log({"checkin", "-f", "mood=2", "--at", "-48h", "--tag", "y"});
  std::string c = home_.Log({"mindfulness", "-f", "minutes=3", "--at", "-24h", "--tag", "x"});
  std::string d = home_.Log({"checkin", "-f", "mood=4", "--at", "-1h", "--tag", "x", "--tag", "y"});

  EXPECT_THAT(ListIds({}), ElementsAre(d, c, b, a));
  EXPECT_THAT(ListIds({"--type", "mindfulness"}), ElementsAre(c, a));
  EXPECT_THAT(ListIds({"--tag", "y"}), ElementsAre(d, b));
  EXPECT_THAT(ListIds({"--since", "-36h"}), ElementsAre(d, c));
  EXPECT_THAT(ListIds({"--until", "-36h"}), ElementsAre(b, a));
  EXPECT_THAT(ListIds({"--since", "-60h", "--until", "-12h"}), ElementsAre(c, b));
  EXPECT_THAT(ListIds({"--limit", "2"}), ElementsAre(d, c));
  EXPECT_THAT(ListIds({"--type", "checkin", "--tag", "x"}), ElementsAre(d));
  EXPECT_THAT(ListIds({"--type", "letter"}), ElementsAre());
}

TEST_F(EntriesTest, ListWithoutTerminalDefaultsToJsonLines) {
  std::string a = home_.Log({"checkin", "-f", "mood=1", "--at", "-2h"});
  std::string b = home_.Log({"checkin", "-f", "mood=2", "--at", "-1h"});
  RunResult r = home_.Run({"list"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(Ids(r.JsonLines()), ElementsAre(b, a)) << r;
}

TEST_F(EntriesTest, ListFormatsJsonCsvAndTable) {
  std::string a = home_.Log(
      {"checkin", "-f", "mood=1", "-f", "note=a, \"quoted\" note", "--at", "-2h", "--tag", "x"});
  std::string b = home_.Log({"mindfulness", "-f", "minutes=20", "--at", "-1h"});

  RunResult json = home_.Run({"--format", "json", "list"});
  ASSERT_EQ(json.exit_code, 0) << json;
  nlohmann::json array = json.JsonOut();
  ASSERT_TRUE(array.is_array()) << json;
  EXPECT_THAT(Ids(array), ElementsAre(b, a));
  EXPECT_EQ(array[1]["fields"]["note"], "a, \"quoted\" note");

  RunResult csv = home_.Run({"--format", "csv", "list"});
  ASSERT_EQ(csv.exit_code, 0) << csv;
  std::istringstream lines(csv.out);
  std::string header, row1, row2, extra;
  std::getline(lines, header);
  std::getline(lines, row1);
  std::getline(lines, row2);
  EXPECT_EQ(header.rfind("id,type,", 0), 0u) << csv;
  EXPECT_NE(header.find("mood"), std::string::npos) << csv;
  EXPECT_NE(header.find("minutes"), std::string::npos) << csv;
  EXPECT_EQ(row1.rfind(b + ",mindfulness,", 0), 0u) << csv;
  EXPECT_EQ(row2.rfind(a + ",checkin,", 0), 0u) << csv;
  EXPECT_NE(row2.find("\"a, \"\"quoted\"\" note\""), std::string::npos) << csv;
  EXPECT_FALSE(std::getline(lines, extra) && !extra.empty()) << csv;

  RunResult table = home_.Run({"--format", "table", "list"}, {{"COLUMNS", "120"}});
  ASSERT_EQ(table.exit_code, 0) << table;
  std::istringstream rows(table.out);
  std::string head, first, second;
  std::getline(rows, head);
  std::getline(rows, first);
  std::getline(rows, second);
  EXPECT_NE(head.find("ID"), std::string::npos) << table;
  EXPECT_NE(head.find("TYPE"), std::string::npos) << table;
  EXPECT_NE(first.find(b.substr(0, 6)), std::string::npos) << table;
  EXPECT_NE(first.find("mindfulness"), std::string::npos) << table;
  EXPECT_NE(second.find(a.substr(0, 6)), std::string::npos) << table;
  EXPECT_NE(second.find("#x"), std::string::npos) << table;
}

TEST_F(EntriesTest, TablesFitATerminalWidthButPipesGetWholeCells) {
  const std::string note = std::string(180, 'y') + "-the-end";
  home_.Log({"checkin", "-f", "mood=4", "-f", "note=" + note});
  RunResult piped = home_.Run({"--format", "table", "list"}, {{"COLUMNS", ""}});
  ASSERT_EQ(piped.exit_code, 0) << piped;
  EXPECT_NE(piped.out.find("-the-end"), std::string::npos) << "a piped table was cut" << piped;
  RunResult narrow = home_.Run({"--format", "table", "list"}, {{"COLUMNS", "80"}});
  ASSERT_EQ(narrow.exit_code, 0) << narrow;
  EXPECT_EQ(narrow.out.find("-the-end"), std::string::npos) << "COLUMNS=80 was ignored" << narrow;
}

TEST_F(EntriesTest, ShowAcceptsUniquePrefixRejectsShortAndUnknown) {
  std::string id = home_.Log({"checkin", "-f", "mood=9"});
  ASSERT_GE(id.size(), 8u);
  EXPECT_EQ(ShowJson(id.substr(0, 6)).value("id", ""), id);

  RunResult table = home_.Run({"show", id.substr(0, 7)});
  EXPECT_EQ(table.exit_code, 0) << table;
  EXPECT_NE(table.out.find(id), std::string::npos) << table;

  RunResult too_short = home_.Run({"show", id.substr(0, 5)});
  EXPECT_EQ(too_short.exit_code, 2) << too_short;
  EXPECT_EQ(too_short.ErrLines(), 1) << too_short;

  // Same length and alphabet as a real id, but no such entry.
  std::string unknown = id;
  unknown[0] = unknown[0] == '0' ? '1' : '0';
  unknown[1] = unknown[1] == '0' ? '1' : '0';
  RunResult missing = home_.Run({"show", unknown});
  EXPECT_EQ(missing.exit_code, 4) << missing;
  EXPECT_EQ(missing.ErrLines(), 1) << missing;
  EXPECT_EQ(home_.Run({"show", unknown.substr(0, 6)}).exit_code, 4);
}

TEST_F(EntriesTest, EditChangesFieldsAndHistoryKeepsBothVersions) {
  std::string id = home_.Log({"mindfulness", "-f", "minutes=12", "-f", "practice=breathing"});
  RunResult edit = home_.Run({"edit", id.substr(0, 8), "-f", "minutes=20"});
  ASSERT_EQ(edit.exit_code, 0) << edit;

  nlohmann::json e = ShowJson(id);
  EXPECT_EQ(e["fields"]["minutes"], 20);
  EXPECT_EQ(e["fields"]["practice"], "breathing") << "an edit of one field kept the others";

  nlohmann::json with_history = ShowJson(id, /*history=*/true);
  ASSERT_TRUE(with_history.contains("history")) << with_history.dump();
  const nlohmann::json& history = with_history["history"];
  ASSERT_GE(history.size(), 2u) << history.dump();
  std::string dump = history.dump();
  EXPECT_NE(dump.find("12"), std::string::npos) << "first version lost: " << dump;
  EXPECT_NE(dump.find("20"), std::string::npos) << "edit missing: " << dump;
  // Oldest first: the version with 12 precedes the one with 20.
  EXPECT_NE(history.front().dump().find("12"), std::string::npos) << dump;
  EXPECT_NE(history.back().dump().find("20"), std::string::npos) << dump;
}

TEST_F(EntriesTest, EditTagsAndTime) {
  std::string id = home_.Log({"checkin", "-f", "mood=5", "--tag", "old"});
  ASSERT_EQ(home_.Run({"edit", id, "--tag", "new", "--at", "2026-01-02T03:04:05Z"}).exit_code, 0);
  nlohmann::json e = ShowJson(id);
  EXPECT_EQ(e["tags"], nlohmann::json::array({"new"}));
  EXPECT_EQ(ParseRfc3339(e.value("at", "")), ParseRfc3339("2026-01-02T03:04:05Z"));
  EXPECT_EQ(e["fields"]["mood"], 5);
}

TEST_F(EntriesTest, EditOfUnknownIdExits4) {
  home_.Log({"checkin", "-f", "mood=5"});
  RunResult r = home_.Run({"edit", kUnknownId, "-f", "mood=1"});
  EXPECT_EQ(r.exit_code, 4) << r;
}

TEST_F(EntriesTest, RmHidesFromListAndRestoreBringsBack) {
  std::string keep = home_.Log({"checkin", "-f", "mood=1", "--at", "-2h"});
  std::string gone = home_.Log({"checkin", "-f", "mood=2", "--at", "-1h"});

  RunResult rm = home_.Run({"rm", gone.substr(0, 8)});
  ASSERT_EQ(rm.exit_code, 0) << rm;
  EXPECT_THAT(ListIds({}), ElementsAre(keep));
  nlohmann::json info = home_.Json({"vault", "info"});
  EXPECT_EQ(info.value("entries", -1), 1) << info.dump();

  RunResult restore = home_.Run({"restore", gone});
  ASSERT_EQ(restore.exit_code, 0) << restore;
  EXPECT_THAT(ListIds({}), ElementsAre(gone, keep));
  EXPECT_EQ(ShowJson(gone)["fields"]["mood"], 2);

  EXPECT_EQ(home_.Run({"rm", kUnknownId}).exit_code, 4);
  EXPECT_EQ(home_.Run({"restore", kUnknownId}).exit_code, 4);
}

TEST_F(EntriesTest, TerminalPromptsForMissingFieldAndAsksAgainWhenInvalid) {
  // The whole walk through is in guided_log_test.cc; here: mood, then Enter
  // on the optional fields and on the question whether to save.
  RunResult r = home_.RunOnTerminal({"log", "checkin"},
                                    {{"[0 to 10] > ", "11\n"},
                                     {"does not fit", ""},
                                     {"[0 to 10] > ", "7\n"},
                                     {"Enter to skip] > ", "\n"},
                                     {"Enter to skip] > ", "\n"},
                                     {"Enter to skip] > ", "\n"},
                                     {"an empty first line skips it", "\n"},
                                     {"Save it? [Y/n] > ", "\n"}},
                                    {{"EDITOR", std::nullopt}, {"VISUAL", std::nullopt}});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(ShowJson(r.Trimmed())["fields"]["mood"], 7) << r;
}

TEST_F(EntriesTest, TypesListsBuiltIns) {
  nlohmann::json types = home_.Json({"types"});
  std::string dump = types.dump();
  for (const char* id : {"mindfulness", "break", "letter", "friend", "self-talk", "reflection",
                         "support", "checkin", "scs-sf", "ecr-rs", "who-5", "swls", "brs"}) {
    EXPECT_NE(dump.find(std::string("\"") + id + "\""), std::string::npos) << id << ": " << dump;
  }
}

}  // namespace
}  // namespace haven::e2e
