// cli/output.cc: the formats of --format, and what each prints for entries
// and rows. Output goes to std::cout, captured here.
#include "cli/output.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace haven::cli {
namespace {

using nlohmann::json;

// Captures std::cout for its lifetime; tests run with stdout not a terminal
// and without $COLUMNS, so tables keep every cell whole.
class CaptureStdout {
 public:
  CaptureStdout() : old_(std::cout.rdbuf(out_.rdbuf())) { unsetenv("COLUMNS"); }
  ~CaptureStdout() { std::cout.rdbuf(old_); }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::streambuf* old_;
};

json Entry(const std::string& id, json fields, json tags = json::array()) {
  return {{"id", id},
          {"type", "checkin"},
          {"type_version", 1},
          {"at", "2026-11-20T08:30:00+01:00"},
          {"created", "2026-11-20T08:30:00+01:00"},
          {"updated", "2026-11-20T09:00:00+01:00"},
          {"tags", tags},
          {"fields", fields},
          {"derived", json::object()}};
}

TEST(ParseFormatTest, NamesEachFormatAndRefusesOthers) {
  EXPECT_EQ(*ParseFormat("table"), Format::kTable);
  EXPECT_EQ(*ParseFormat("json"), Format::kJson);
  EXPECT_EQ(*ParseFormat("jsonl"), Format::kJsonl);
  EXPECT_EQ(*ParseFormat("csv"), Format::kCsv);
  auto bad = ParseFormat("xml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "--format: expected table, json, jsonl or csv, got \"xml\"");
}

TEST(ParseFormatTest, EmptyIsJsonLinesWhenPiped) {
  if (StdoutIsTerminal()) GTEST_SKIP() << "stdout is a terminal";
  EXPECT_EQ(*ParseFormat(""), Format::kJsonl);
}

TEST(OutputHelpersTest, ShortTimePlainValueAndCsvCell) {
  EXPECT_EQ(ShortTime("2026-11-20T08:30:00+01:00"), "2026-11-20 08:30");
  EXPECT_EQ(ShortTime("short"), "short");
  EXPECT_EQ(PlainValue(json("text")), "text");
  EXPECT_EQ(PlainValue(json(nullptr)), "");
  EXPECT_EQ(PlainValue(json(2.5)), "2.5");
  EXPECT_EQ(PlainValue(json::array({1, 2})), "[1,2]");
  EXPECT_EQ(CsvCell("plain"), "plain");
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("two\nlines"), "\"two\nlines\"");
}

TEST(PrintEntriesTest, JsonLinesIsOneEntryPerLine) {
  CaptureStdout out;
  PrintEntries({Entry("a1", {{"mood", 5}}), Entry("b2", json::object())}, Format::kJsonl);
  EXPECT_EQ(out.str(),
            Entry("a1", {{"mood", 5}}).dump() + "\n" + Entry("b2", json::object()).dump() + "\n");
}

TEST(PrintEntriesTest, CsvHasTheFixedColumnsThenEveryFieldName) {
  CaptureStdout out;
  PrintEntries(
      {Entry("a1", {{"mood", 5}, {"note", "x, y"}}, {"am", "pm"}), Entry("b2", {{"sleep", 7}})},
      Format::kCsv);
  EXPECT_EQ(out.str(),
            "id,type,type_version,at,created,updated,tags,mood,note,sleep\n"
            "a1,checkin,1,2026-11-20T08:30:00+01:00,2026-11-20T08:30:00+01:00,"
            "2026-11-20T09:00:00+01:00,am;pm,5,\"x, y\",\n"
            "b2,checkin,1,2026-11-20T08:30:00+01:00,2026-11-20T08:30:00+01:00,"
            "2026-11-20T09:00:00+01:00,,,,7\n");
}

TEST(PrintEntriesTest, AnEmptyTableSaysHowToLogOne) {
  CaptureStdout out;
  PrintEntries({}, Format::kTable);
  EXPECT_EQ(out.str(), "No entries yet. Log one with `haven log TYPE` (see `haven types`).\n");
}

TEST(PrintEntriesTest, ATableShowsShortIdTimeTypeTagsAndFields) {
  CaptureStdout out;
  PrintEntries({Entry("0123456789abcdef01234567", {{"mood", 5}}, {"am"})}, Format::kTable);
  EXPECT_EQ(out.str(),
            "ID        WHEN              TYPE     TAGS  FIELDS\n"
            "01234567  2026-11-20 08:30  checkin  #am   mood=5\n");
}

TEST(PrintEntryTest, JsonLinesCarriesTheHistory) {
  CaptureStdout out;
  const json history = {{"kind", "create"}, {"seq", 1}};
  PrintEntry(Entry("a1", {{"mood", 5}}), {history}, Format::kJsonl);
  json expected = Entry("a1", {{"mood", 5}});
  expected["history"] = json::array({history});
  EXPECT_EQ(out.str(), expected.dump() + "\n");
}

TEST(PrintEntryTest, ATableIndentsMultiLineText) {
  CaptureStdout out;
  PrintEntry(Entry("a1", {{"note", "one\ntwo"}}), {}, Format::kTable);
  EXPECT_EQ(out.str(),
            "checkin a1\n"
            "  at       2026-11-20T08:30:00+01:00\n"
            "  updated  2026-11-20T09:00:00+01:00\n"
            "\nfields:\n"
            "  note:\n"
            "    one\n"
            "    two\n");
}

TEST(PrintRowsTest, CsvAndTableUseTheColumnsInOrder) {
  const std::vector<json> rows = {{{"id", "walk"}, {"version", 2}},
                                  {{"id", "break"}, {"title", "A, b"}}};
  {
    CaptureStdout out;
    PrintRows(rows, {"id", "version", "title"}, Format::kCsv);
    EXPECT_EQ(out.str(), "id,version,title\nwalk,2,\nbreak,,\"A, b\"\n");
  }
  {
    CaptureStdout out;
    PrintRows(rows, {"id", "version", "title"}, Format::kTable);
    EXPECT_EQ(out.str(),
              "ID     VERSION  TITLE\n"
              "walk   2\n"
              "break           A, b\n");
  }
}

TEST(PrintEntriesTest, AMalformedEntryThrowsForMainToReport) {
  // A tag that is not a string: main (RunAndReport) turns this into one line.
  CaptureStdout out;
  EXPECT_ANY_THROW(PrintEntries({Entry("a1", json::object(), {1})}, Format::kTable));
}

}  // namespace
}  // namespace haven::cli
