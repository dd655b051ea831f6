// The export formats behind one interface (server/insights/exporter.h):
// MakeExporter picks each format by name and refuses others; each exporter
// writes exactly what the format's writer in export.h / export_html.h
// writes; WriteExport stops at a refused piece and passes errors on.
#include "server/insights/exporter.h"

#include <gmock/gmock.h>

#include "server/insights/export_html.h"
#include "tests/insights/test_support.h"

namespace haven {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class ExporterTest : public testing::LocalTimeTest {
 protected:
  ExporterTest() {
    input_.now_us = 1'795'000'000'000'000;
    input_.types = {{"checkin", {"Check-in", {{"mood", "Mood", false}, {"note", "Note", true}}}}};
    input_.fields = {"mood", "note"};
    input_.scan = [this](const std::function<bool(const Entry&)>& visit) {
      ++scans_;
      for (const Entry& e : entries_) {
        if (!visit(e)) break;
      }
      return absl::OkStatus();
    };
    input_.stats = [this]() -> absl::StatusOr<json> { return stats_; };
  }

  void AddTwo() {
    Add("checkin", "2026-11-20 08:30", {{"mood", 7}, {"note", "tired, \"ok\""}});
    Add("checkin", "2026-11-21 21:00", {{"mood", 4}}, {{"trend", 1.5}});
    entries_.back().tags = {"evening"};
  }

  // The whole export in `format`, or the test fails.
  std::string Export(std::string_view format) {
    auto exporter = MakeExporter(format);
    EXPECT_TRUE(exporter.ok()) << exporter.status();
    if (!exporter.ok()) return "";
    std::string out;
    absl::Status s = WriteExport(**exporter, input_, [&](std::string_view text) {
      out.append(text);
      return true;
    });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  ExportInput input_;
  json stats_ = {{"total", 2}};
  int scans_ = 0;
};

TEST_F(ExporterTest, UnknownFormatIsRefusedNamingTheFormats) {
  for (const char* format : {"xml", "JSON", "markdown", " csv"}) {
    auto exporter = MakeExporter(format);
    ASSERT_FALSE(exporter.ok()) << format;
    EXPECT_EQ(exporter.status().code(), absl::StatusCode::kInvalidArgument);
    // What follows the field's name (how the daemon names a field is the
    // error texts' business, docs/commands.md).
    EXPECT_THAT(std::string(exporter.status().message()),
                HasSubstr("export writes json, jsonl, csv, md or html, not \"" +
                          std::string(format) + "\""));
  }
}

TEST_F(ExporterTest, EmptyFormatIsJson) {
  AddTwo();
  const std::string json_text = Export("json");
  EXPECT_EQ(Export(""), json_text);
}

TEST_F(ExporterTest, JsonIsAnArrayOfExportObjectsOnePerLine) {
  AddTwo();
  EXPECT_EQ(Export("json"), "[\n" + EntryToExportJson(entries_[0]).dump() + ",\n" +
                                EntryToExportJson(entries_[1]).dump() + "\n]\n");
  entries_.clear();
  EXPECT_EQ(Export("json"), "[]\n");
}

TEST_F(ExporterTest, JsonLinesIsOneObjectPerLine) {
  AddTwo();
  EXPECT_EQ(Export("jsonl"), EntryToExportJson(entries_[0]).dump() + "\n" +
                                 EntryToExportJson(entries_[1]).dump() + "\n");
  entries_.clear();
  EXPECT_EQ(Export("jsonl"), "");
}

TEST_F(ExporterTest, CsvFindsDerivedColumnsInAFirstPass) {
  AddTwo();
  const std::string csv = Export("csv");
  EXPECT_EQ(scans_, 2);  // one for the derived columns, one for the rows
  EXPECT_EQ(csv, ExportCsv(All(), {{"mood", "note"}, {"trend"}}));
  EXPECT_THAT(csv, ::testing::StartsWith(
                       "id,type,type_version,at,created,updated,tags,mood,note,derived.trend\n"));
}

TEST_F(ExporterTest, MarkdownIsTheMarkdownJournal) {
  AddTwo();
  EXPECT_EQ(Export("md"), ExportMarkdown(All(), input_.types));
}

TEST_F(ExporterTest, HtmlHoldsTheStatsAndSaysWhichEntries) {
  AddTwo();
  input_.type = "checkin";
  input_.since_us = T("2026-11-01 00:00");
  stats_ = {{"total", 2}, {"by_type", {{"checkin", 2}}}};
  const std::string html = Export("html");
  EXPECT_EQ(html, ExportHtml(stats_, All(), input_.types,
                             {"Practice journal", "Only Check-in entries from 2026-11-01",
                              input_.now_us}));
  EXPECT_THAT(html, HasSubstr("Only Check-in entries from 2026-11-01"));
}

TEST_F(ExporterTest, HtmlScopeWithoutATypeOrATitle) {
  input_.since_us = T("2026-11-01 00:00");
  EXPECT_THAT(Export("html"), HasSubstr("Entries from 2026-11-01"));
  input_.since_us.reset();
  input_.type = "mystery";
  EXPECT_THAT(Export("html"), HasSubstr("Only mystery entries"));
}

TEST_F(ExporterTest, StatsErrorWritesNothing) {
  AddTwo();
  input_.stats = []() -> absl::StatusOr<json> { return absl::UnavailableError("stats down"); };
  auto exporter = MakeExporter("html");
  ASSERT_TRUE(exporter.ok());
  std::string out;
  absl::Status s = WriteExport(**exporter, input_, [&](std::string_view text) {
    out.append(text);
    return true;
  });
  EXPECT_EQ(s, absl::UnavailableError("stats down"));
  EXPECT_EQ(out, "");
}

TEST_F(ExporterTest, ScanErrorIsReturned) {
  input_.scan = [](const std::function<bool(const Entry&)>&) {
    return absl::DataLossError("bad row");
  };
  for (const char* format : {"json", "jsonl", "csv", "md"}) {
    auto exporter = MakeExporter(format);
    ASSERT_TRUE(exporter.ok());
    absl::Status s = WriteExport(**exporter, input_, [](std::string_view) { return true; });
    EXPECT_EQ(s, absl::DataLossError("bad row")) << format;
  }
}

TEST_F(ExporterTest, ARefusedPieceStopsTheScan) {
  for (int i = 0; i < 5; ++i) Add("checkin", "2026-11-2" + std::to_string(i) + " 08:00");
  auto exporter = MakeExporter("jsonl");
  ASSERT_TRUE(exporter.ok());
  int pieces = 0;
  absl::Status s = WriteExport(**exporter, input_, [&](std::string_view text) {
    if (text.empty()) return true;
    return ++pieces < 2;  // the second entry is refused
  });
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(pieces, 2);
}

}  // namespace
}  // namespace haven
