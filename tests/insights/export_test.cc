#include "server/insights/export.h"

#include "server/insights/import.h"
#include "tests/insights/test_support.h"

namespace haven {
namespace {

using nlohmann::json;

class ExportTest : public testing::LocalTimeTest {};

TEST(CsvFieldTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\rhere"), "\"cr\rhere\"");
}

TEST(UnionFieldNamesTest, KeepsFirstOrderAndEachNameOnce) {
  EXPECT_EQ(UnionFieldNames({{"mood", "note"}, {"situation", "note", "mood", "touch"}}),
            (std::vector<std::string>{"mood", "note", "situation", "touch"}));
}

TEST_F(ExportTest, CsvHasFixedColumnsThenFields) {
  Entry& e = Add("checkin", "2026-11-20 08:30",
                 {{"mood", 7}, {"note", "tired, but \"ok\"\nreally"}, {"extra", {1, 2}}});
  e.tags = {"home", "morning"};
  Add("break", "2026-11-20T09:00:00.5+01:00", {{"situation", "call"}, {"id", "x"}},
      {{"distress_change", -2}});
  CsvColumns cols{UnionFieldNames({{"mood", "note", "extra"}, {"situation", "id"}}),
                  {"distress_change"}};
  const std::string csv = ExportCsv(All(), cols);
  EXPECT_EQ(csv,
            "id,type,type_version,at,created,updated,tags,mood,note,extra,situation,fields.id,"
            "derived.distress_change\n"
            "000000000000000000000001,checkin,1,2026-11-20T08:30:00+01:00,"
            "2026-11-20T08:30:00+01:00,2026-11-20T08:30:00+01:00,home;morning,7,"
            "\"tired, but \"\"ok\"\"\nreally\",\"[1,2]\",,,\n"
            "000000000000000000000002,break,1,2026-11-20T08:00:00.500000Z,"
            "2026-11-20T08:00:00.500000Z,2026-11-20T08:00:00.500000Z,,,,,call,x,-2\n");
}

TEST_F(ExportTest, CsvWriterStreamsRowByRow) {
  Add("checkin", "2026-11-20 08:30", {{"mood", 7}});
  CsvWriter w({{"mood"}, {}});
  EXPECT_EQ(w.Header(), "id,type,type_version,at,created,updated,tags,mood\n");
  EXPECT_EQ(w.Row(entries_[0]),
            "000000000000000000000001,checkin,1,2026-11-20T08:30:00+01:00,"
            "2026-11-20T08:30:00+01:00,2026-11-20T08:30:00+01:00,,7\n");
}

TEST_F(ExportTest, MarkdownGroupsByLocalDay) {
  Entry& a = Add("break", "2026-11-19 23:30",
                 {{"situation", "Argument with my sister.\n# not a heading"},
                  {"distress_before", 8},
                  {"touch", "hand-on-heart"}},
                 {{"distress_change", -3}});
  a.tags = {"family"};
  Add("checkin", "2026-11-20 00:30", {{"mood", 6}});
  Add("custom", "2026-11-20 09:15", {{"minutes", 5}, {"story", "line one\nline two"}});
  std::map<std::string, MarkdownType> types;
  types["break"] = {"Self-Compassion Break",
                    {{"situation", "What happened", true},
                     {"distress_before", "", false},
                     {"touch", "Touch", false}}};
  types["checkin"] = {"Check-in", {{"mood", "Mood", false}}};
  const std::string md = ExportMarkdown(All(), types);
  EXPECT_EQ(md,
            "# Practice journal\n\n"
            "## Thursday 2026-11-19\n\n"
            "### 23:30 · Self-Compassion Break\n\n"
            "*Tags: family*\n\n"
            "- **distress before:** 8\n"
            "- **Touch:** hand-on-heart\n"
            "- *distress change (computed):* -3\n\n"
            "**What happened**\n\n"
            "> Argument with my sister.\n"
            "> # not a heading\n\n"
            "## Friday 2026-11-20\n\n"
            "### 00:30 · Check-in\n\n"
            "- **Mood:** 6\n\n"
            "### 09:15 · custom\n\n"
            "- **minutes:** 5\n\n"
            "**story**\n\n"
            "> line one\n"
            "> line two\n\n");
}

TEST_F(ExportTest, MarkdownWriterStartsANewDayOnlyWhenTheDayChanges) {
  Add("checkin", "2026-11-20 08:00", {{"mood", 1}});
  Add("checkin", "2026-11-20 09:00", {{"mood", 2}});
  MarkdownWriter w({});
  EXPECT_NE(w.Entry(entries_[0]).find("## Friday 2026-11-20"), std::string::npos);
  EXPECT_EQ(w.Entry(entries_[1]).find("## Friday"), std::string::npos);
}

TEST_F(ExportTest, JsonExportRoundTripsThroughImport) {
  Entry& e = Add("break", "2026-11-20T09:00:00.123456+01:00", {{"situation", "x"}},
                 {{"distress_change", -1}});
  e.id = "0123456789abcdef01234567";
  e.type_version = 3;
  e.created_us = e.at_us + 7;
  e.updated_us = T("2026-11-21 10:00");
  e.tags = {"a", "b"};
  const json j = EntryToExportJson(e);
  EXPECT_EQ(j["updated"], "2026-11-21T10:00:00+01:00");
  EXPECT_EQ(j["at"], "2026-11-20T08:00:00.123456Z");
  auto back = EntryFromExportJson(json::parse(j.dump()));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->id, e.id);
  EXPECT_EQ(back->type, e.type);
  EXPECT_EQ(back->type_version, e.type_version);
  EXPECT_EQ(back->at_us, e.at_us);
  EXPECT_EQ(back->created_us, e.created_us);
  EXPECT_EQ(back->updated_us, e.updated_us);
  EXPECT_EQ(back->tags, e.tags);
  EXPECT_EQ(back->fields, e.fields);
}

}  // namespace
}  // namespace haven
