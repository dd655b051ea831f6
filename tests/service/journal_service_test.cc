// The Journal service over a real home: stats and every export format reach
// the client as the insights layer makes them (streamed in chunks, joined
// byte for byte), an import names the line of its first bad entry and then
// writes nothing, and writes tell the sync engine (on_write).
#include <gmock/gmock.h>

#include "server/insights/journal_export.h"
#include "server/insights/journal_stats.h"
#include "server/model/entry_json.h"
#include "tests/service/service_test_support.h"

namespace haven {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int64_t kDay = 86'400'000'000;
constexpr int64_t kT0 = 1'795'000'000'000'000;  // 2026-11-18, a whole second

class JournalServiceTest : public testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    InitVault();
  }

  // What the insights layer writes for `req`, called directly.
  std::string ExportedDirectly(const v1::ExportRequest& req) {
    auto journal = vault_->journal();
    EXPECT_TRUE(journal.ok()) << journal.status();
    std::string out;
    ExportQuery query{req.format(), req.type(), std::nullopt, kT0};
    if (req.has_since()) query.since_us = req.since_us();
    absl::Status s = ExportJournal(**journal, *types_, query, [&](std::string_view text) {
      out.append(text);
      return true;
    });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }
};

TEST_F(JournalServiceTest, StatsReplyIsTheJournalsStats) {
  for (int i = 0; i < 3; ++i) LogCheckin(4 + i, kT0 + i * kDay);
  grpc::ServerContext context;
  v1::StatsRequest req;
  req.set_now_us(kT0 + 3 * kDay);
  v1::StatsReply reply;
  ASSERT_TRUE(journal_service_->Stats(&context, &req, &reply).ok());
  const json stats = json::parse(reply.stats_json());
  EXPECT_EQ(stats["total"], 3);
  EXPECT_EQ(stats["by_type"], json({{"checkin", 3}}));
  EXPECT_EQ(stats["streak"]["longest"], 3);

  auto journal = vault_->journal();
  ASSERT_TRUE(journal.ok());
  auto direct = JournalStats(**journal, *types_, {"", std::nullopt, std::nullopt, req.now_us()});
  ASSERT_TRUE(direct.ok()) << direct.status();
  EXPECT_EQ(stats, *direct);
}

TEST_F(JournalServiceTest, StatsFiltersByTypeAndTime) {
  for (int i = 0; i < 4; ++i) LogCheckin(5, kT0 + i * kDay);
  grpc::ServerContext context;
  v1::StatsRequest req;
  req.set_type("checkin");
  req.set_has_since(true);
  req.set_since_us(kT0 + kDay);
  req.set_has_until(true);
  req.set_until_us(kT0 + 3 * kDay);
  req.set_now_us(kT0 + 4 * kDay);
  v1::StatsReply reply;
  ASSERT_TRUE(journal_service_->Stats(&context, &req, &reply).ok());
  EXPECT_EQ(json::parse(reply.stats_json())["total"], 2);
  req.set_type("break");
  ASSERT_TRUE(journal_service_->Stats(&context, &req, &reply).ok());
  EXPECT_EQ(json::parse(reply.stats_json())["total"], 0);
}

TEST_F(JournalServiceTest, EveryFormatStreamsWhatInsightsWrites) {
  const json first = LogCheckin(6, kT0);
  LogCheckin(3, kT0 + kDay);
  for (const char* format : {"json", "jsonl", "csv", "md"}) {
    v1::ExportRequest req;
    req.set_format(format);
    const Streamed got = Export(req);
    ASSERT_TRUE(got.status.ok()) << format << ": " << got.status.error_message();
    EXPECT_EQ(got.Joined(), ExportedDirectly(req)) << format;
  }
  v1::ExportRequest req;
  req.set_format("jsonl");
  const std::string lines = Export(req).Joined();
  EXPECT_EQ(json::parse(lines.substr(0, lines.find('\n')))["id"], first["id"]);
  req.set_format("csv");
  const std::string csv = Export(req).Joined();
  EXPECT_THAT(csv, StartsWith("id,type,type_version,at,created,updated,tags,"));
  EXPECT_THAT(csv, HasSubstr(",mood,resilience,connection,satisfaction,note,"));
  req.set_format("md");
  EXPECT_THAT(Export(req).Joined(), StartsWith("# Practice journal\n\n## "));
  req.set_format("");
  const json array = json::parse(Export(req).Joined());
  ASSERT_EQ(array.size(), 2u);
  EXPECT_EQ(array[0]["id"], first["id"]);
}

TEST_F(JournalServiceTest, HtmlHoldsTheFiguresAndTheScope) {
  LogCheckin(6, kT0);
  v1::ExportRequest req;
  req.set_format("html");
  req.set_type("checkin");
  req.set_has_since(true);
  req.set_since_us(kT0 - kDay);
  const Streamed got = Export(req);
  ASSERT_TRUE(got.status.ok()) << got.status.error_message();
  const std::string html = got.Joined();
  EXPECT_THAT(html, StartsWith("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("Only Check-in entries from "));
  EXPECT_THAT(html, HasSubstr("</html>"));
}

TEST_F(JournalServiceTest, ALargeExportArrivesInChunksThatJoinExactly) {
  std::string input;
  for (int i = 0; i < 1500; ++i) {
    input += json{{"type", "checkin"},
                  {"at", FormatExactTime(kT0 + i * 60'000'000LL)},
                  {"fields", {{"mood", i % 11}, {"note", std::string(100, 'a' + i % 26)}}}}
                 .dump() +
             "\n";
  }
  v1::ImportReply imported;
  ASSERT_TRUE(Import(input, false, &imported).ok());
  ASSERT_EQ(imported.imported(), 1500u);
  v1::ExportRequest req;
  req.set_format("jsonl");
  const Streamed got = Export(req);
  ASSERT_TRUE(got.status.ok()) << got.status.error_message();
  EXPECT_GT(got.chunks.size(), 2u);
  EXPECT_EQ(got.Joined(), ExportedDirectly(req));
}

TEST_F(JournalServiceTest, UnknownFormatIsInvalidArgumentAndSendsNothing) {
  LogCheckin(6, kT0);
  v1::ExportRequest req;
  req.set_format("xml");
  const Streamed got = Export(req);
  EXPECT_EQ(got.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(got.status.error_message(), HasSubstr("json, jsonl, csv, md or html"));
  EXPECT_THAT(got.status.error_message(), HasSubstr("\"xml\""));
  EXPECT_TRUE(got.chunks.empty());
}

TEST_F(JournalServiceTest, ImportWritesThenSkipsWhatItHolds) {
  const std::string input =
      R"({"id":"0123456789abcdef01234567","type":"checkin","at":"2026-11-20T07:30:00Z","fields":{"mood":5}})"
      "\n"
      R"({"type":"checkin","at":"2026-11-21T07:30:00Z","fields":{"mood":6}})"
      "\n";
  v1::ImportReply reply;
  ASSERT_TRUE(Import(input, false, &reply, 7).ok());
  EXPECT_EQ(reply.imported(), 2u);
  EXPECT_EQ(reply.skipped(), 0u);
  EXPECT_EQ(writes_, 1);
  EXPECT_EQ(Listed(), 2u);
  // The entry with an id is there already; the one without is new again.
  ASSERT_TRUE(Import(input, false, &reply).ok());
  EXPECT_EQ(reply.imported(), 1u);
  EXPECT_EQ(reply.skipped(), 1u);
  EXPECT_EQ(Listed(), 3u);
}

TEST_F(JournalServiceTest, ImportErrorNamesTheLineAndWritesNothing) {
  const std::string input = R"({"type":"checkin","at":"2026-11-20T07:30:00Z","fields":{"mood":5}})"
                            "\n"
                            R"({"type":"checkin","fields":{"mood":6}})"
                            "\n";
  v1::ImportReply reply;
  grpc::Status s = Import(input, false, &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "line 2: key \"at\" is required");
  EXPECT_EQ(Listed(), 0u);
  EXPECT_EQ(writes_, 0);
}

TEST_F(JournalServiceTest, ImportErrorFromThePluginNamesTheLine) {
  const std::string input = R"({"type":"checkin","at":"2026-11-20T07:30:00Z","fields":{"mood":5}})"
                            "\n\n"
                            R"({"type":"checkin","at":"2026-11-20T07:30:00Z","fields":{"mood":99}})"
                            "\n";
  v1::ImportReply reply;
  grpc::Status s = Import(input, true, &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), StartsWith("line 3: "));
}

TEST_F(JournalServiceTest, ValidateOnlyCountsAndWritesNothing) {
  const std::string input = R"({"type":"checkin","at":"2026-11-20T07:30:00Z","fields":{"mood":5}})"
                            "\n";
  v1::ImportReply reply;
  ASSERT_TRUE(Import(input, true, &reply).ok());
  EXPECT_EQ(reply.imported(), 1u);
  EXPECT_EQ(Listed(), 0u);
  EXPECT_EQ(writes_, 0);
}

TEST_F(JournalServiceTest, AnEmptyImportStreamImportsNothing) {
  grpc::ClientContext context;
  v1::ImportReply reply;
  auto writer = journal_->Import(&context, &reply);
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(reply.imported(), 0u);
  EXPECT_EQ(reply.skipped(), 0u);
}

TEST_F(JournalServiceTest, WritesTellTheSyncEngineAndReadsDoNot) {
  const json entry = LogCheckin(5, kT0);
  EXPECT_EQ(writes_, 1);
  grpc::ServerContext context;
  v1::ShowRequest show;
  show.set_id(entry["id"]);
  show.set_history(true);
  v1::ShowReply shown;
  ASSERT_TRUE(journal_service_->Show(&context, &show, &shown).ok());
  EXPECT_EQ(json::parse(shown.entry_json())["id"], entry["id"]);
  EXPECT_EQ(shown.history_json_size(), 1);
  EXPECT_EQ(writes_, 1);
  v1::EntryRef ref;
  ref.set_id(entry["id"]);
  v1::EntryReply reply;
  ASSERT_TRUE(journal_service_->Remove(&context, &ref, &reply).ok());
  ASSERT_TRUE(journal_service_->Restore(&context, &ref, &reply).ok());
  EXPECT_EQ(writes_, 3);
}

}  // namespace
}  // namespace haven
