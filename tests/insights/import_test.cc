#include "server/insights/import.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace haven {
namespace {

using nlohmann::json;

struct ReadResult {
  std::vector<ImportItem> items;
  absl::Status status;
};

// Feeds `text` in pieces cut at `cuts` (ascending offsets).
ReadResult Read(std::string_view text, const std::vector<size_t>& cuts = {},
                size_t max_object = ImportReader::kDefaultMaxObjectBytes) {
  ImportReader r(max_object);
  ReadResult out;
  size_t from = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(text.size());
  for (size_t to : ends) {
    out.status = r.Feed(text.substr(from, to - from));
    while (auto item = r.Next()) out.items.push_back(std::move(*item));
    if (!out.status.ok()) return out;
    from = to;
  }
  out.status = r.Finish();
  while (auto item = r.Next()) out.items.push_back(std::move(*item));
  return out;
}

std::string Entry(int i) {
  return R"({"type":"checkin","at":"2026-11-20T08:30:00+01:00","fields":{"mood":)" +
         std::to_string(i % 11) + R"(,"note":"a } ] { [ \" \\ , \n"}})";
}

TEST(ImportReaderTest, ReadsAnArrayWithLinesAndIndexes) {
  const ReadResult r = Read("[\n  {\"a\": 1},\n  {\"b\":\n    {\"c\": [1, 2]}},\n{}\n]\n");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.items.size(), 3u);
  EXPECT_EQ(r.items[0].value, json({{"a", 1}}));
  EXPECT_EQ(r.items[0].line, 2);
  EXPECT_EQ(r.items[1].line, 3);
  EXPECT_EQ(r.items[1].value["b"]["c"], json({1, 2}));
  EXPECT_EQ(r.items[2].line, 5);
  EXPECT_EQ(r.items[2].index, 3);
}

TEST(ImportReaderTest, ReadsJsonLinesWithBlankLines) {
  const ReadResult r = Read("{\"a\":1}\n\n  {\"a\":2}  \r\n{\"a\":3}");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.items.size(), 3u);
  EXPECT_EQ(r.items[1].line, 3);
  EXPECT_EQ(r.items[2].line, 4);
  EXPECT_EQ(r.items[2].value["a"], 3);
}

TEST(ImportReaderTest, EmptyInputsHoldNoEntries) {
  for (const char* text : {"", "  \n", "[]", " [ \n ] \n", "\xEF\xBB\xBF[]"}) {
    const ReadResult r = Read(text);
    EXPECT_TRUE(r.status.ok()) << text << ": " << r.status;
    EXPECT_TRUE(r.items.empty());
  }
}

TEST(ImportReaderTest, StringsMayHoldBracesQuotesAndEscapes) {
  const ReadResult r = Read("[" + Entry(1) + "," + R"({"x":"\\"},{"y":"\\\"}"})" + "]");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.items.size(), 3u);
  EXPECT_EQ(r.items[0].value["fields"]["note"], "a } ] { [ \" \\ , \n");
  EXPECT_EQ(r.items[1].value["x"], "\\");
  EXPECT_EQ(r.items[2].value["y"], "\\\"}");
}

void ExpectError(std::string_view text, const std::string& message) {
  const ReadResult r = Read(text);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument) << text;
  EXPECT_EQ(std::string(r.status.message()).substr(0, message.size()), message) << text << "\n"
                                                                                << r.status;
}

TEST(ImportReaderTest, ErrorsNameTheLine) {
  ExpectError("{\"a\":1}\n{\"a\":2}\n{\"a\":}\n", "line 3: entry 3 is not valid JSON");
  ExpectError("[\n{\"a\":1},\n{\"b\":\n  tru}\n]", "line 4: entry 2 is not valid JSON");
  ExpectError("{\"a\":1}\n{\"a\":\n2}\n", "line 2: entry 2 does not end on its line");
  ExpectError("{\"a\":1} {\"a\":2}\n", "line 1: more than one value on the line");
  ExpectError("\n\n[1]", "line 3: entry 1 is not a JSON object");
  ExpectError("[{}\n{}]", "line 2: expected , or ] after entry 1");
  ExpectError("[{},\n]", "line 2: a comma before ] leaves an empty entry");
  ExpectError("[{}]\n{}", "line 2: unexpected text after the closing ]");
  ExpectError("[{}", "line 1: the input ends before the array's closing ]");
  ExpectError("[{}\n,\n{\"a\":", "line 3: entry 2 is not complete at the end of the input");
  ExpectError("hello", "line 1: expected a JSON array or JSON Lines");
  ExpectError("{}\n[]\n", "line 2: expected an entry object");
  ExpectError("\xEF\xBB[]", "line 1: the input is not UTF-8 JSON");
  ExpectError("{\"a\":\"\xff\"}", "line 1: entry 1 is not valid JSON");
  ExpectError("[\n{\"a\":6e66666666666}]", "line 2: entry 1 is not valid JSON: number overflow");
}

TEST(ImportReaderTest, ErrorsAreSticky) {
  ImportReader r;
  EXPECT_FALSE(r.Feed("nope").ok());
  EXPECT_FALSE(r.Feed("[]").ok());
  EXPECT_FALSE(r.Finish().ok());
}

TEST(ImportReaderTest, RefusesDeepNesting) {
  std::string deep = "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}";
  ExpectError(deep, "line 1: entry 1 is nested more than 64 levels deep");
}

TEST(ImportReaderTest, HoldsOneObjectAtATime) {
  // 20,000 entries of ~130 bytes each through a reader that may hold 200.
  std::string text = "[";
  for (int i = 0; i < 20'000; ++i) text += (i ? ",\n" : "") + Entry(i);
  text += "]";
  ImportReader r(200);
  int64_t n = 0;
  for (size_t at = 0; at < text.size(); at += 4096) {
    ASSERT_TRUE(r.Feed(std::string_view(text).substr(at, 4096)).ok());
    while (auto item = r.Next()) ++n;
  }
  ASSERT_TRUE(r.Finish().ok());
  EXPECT_EQ(n, 20'000);
  EXPECT_EQ(Read("[" + Entry(1) + "]", {}, 50).status.message(),
            "line 1: entry 1 is larger than 50 bytes");
  EXPECT_EQ(Read("[" + Entry(1) + "]", {5, 10, 20}, 50).status.message(),
            "line 1: entry 1 is larger than 50 bytes");
}

TEST(ImportReaderTest, AnyChunkBoundaryGivesTheSameResult) {
  for (const std::string& text :
       {"\xEF\xBB\xBF[\n" + Entry(1) + ",\n" + Entry(2) + ",\n" + Entry(3) + "\n]\n",
        Entry(4) + "\n\n" + Entry(5) + "\r\n" + Entry(6) + "\n",
        std::string("[{\"a\":1},\n{\"b\":\n  tru}\n]")}) {
    const ReadResult whole = Read(text);
    for (size_t cut = 0; cut <= text.size(); ++cut) {
      const ReadResult split = Read(text, {cut});
      ASSERT_EQ(split.status, whole.status) << "cut at " << cut;
      ASSERT_EQ(split.items.size(), whole.items.size()) << "cut at " << cut;
      for (size_t i = 0; i < whole.items.size(); ++i) {
        EXPECT_EQ(split.items[i].value, whole.items[i].value);
        EXPECT_EQ(split.items[i].line, whole.items[i].line);
      }
    }
    std::vector<size_t> every_byte;
    for (size_t i = 1; i < text.size(); ++i) every_byte.push_back(i);
    const ReadResult bytes = Read(text, every_byte);
    EXPECT_EQ(bytes.status, whole.status);
    EXPECT_EQ(bytes.items.size(), whole.items.size());
  }
}

absl::StatusOr<ImportedEntry> FromText(const std::string& text) {
  return EntryFromExportJson(json::parse(text));
}

TEST(EntryFromExportJsonTest, FillsDefaults) {
  auto e = FromText(R"({"type":"checkin","at":"2026-11-20T07:30:00Z","fields":{"mood":5},
                       "tags":["b","a","b"],"derived":{"ignored":true}})");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_FALSE(e->id.has_value());
  EXPECT_EQ(e->type, "checkin");
  EXPECT_EQ(e->type_version, 1u);
  EXPECT_EQ(e->at_us, 1'795'159'800'000'000);
  EXPECT_FALSE(e->created_us.has_value());
  EXPECT_EQ(e->tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(e->fields, json({{"mood", 5}}));
}

TEST(EntryFromExportJsonTest, ErrorsNameTheKey) {
  const std::string ok_at = R"("at":"2026-11-20T07:30:00Z")";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"([])", "an entry must be a JSON object"},
      {R"({"at":"2026-11-20","fields":{}})", "key \"type\" is required"},
      {R"({"type":"x","fields":{}})", "key \"at\" is required"},
      {R"({"type":"x",)" + ok_at + "}", "key \"fields\" is required"},
      {R"({"type":"x",)" + ok_at + R"(,"fields":[]})", "key \"fields\" must be an object"},
      {R"({"type":"",)" + ok_at + R"(,"fields":{}})", "key \"type\" must be"},
      {R"({"type":"x","id":"ABCDEF0123456789abcdef01",)" + ok_at + R"(,"fields":{}})",
       "key \"id\" must be 24 lowercase hex"},
      {R"({"type":"x","id":"abc",)" + ok_at + R"(,"fields":{}})", "key \"id\" must be"},
      {R"({"type":"x","type_version":0,)" + ok_at + R"(,"fields":{}})",
       "key \"type_version\" must be"},
      {R"({"type":"x","type_version":1.5,)" + ok_at + R"(,"fields":{}})",
       "key \"type_version\" must be"},
      {R"({"type":"x","type_version":"1",)" + ok_at + R"(,"fields":{}})",
       "key \"type_version\" must be"},
      {R"({"type":"x","type_version":4294967296,)" + ok_at + R"(,"fields":{}})",
       "key \"type_version\" must be"},
      {R"({"type":"x","at":"yesterday","fields":{}})", "key \"at\" must be an RFC 3339"},
      {R"({"type":"x","at":"2026-13-01","fields":{}})", "key \"at\" must be an RFC 3339"},
      {R"({"type":"x","at":17,"fields":{}})", "key \"at\" must be an RFC 3339"},
      {R"({"type":"x","at":"9999-12-31T12:00:00Z","fields":{}})", "key \"at\" must be a time"},
      {R"({"type":"x","at":"0001-01-01T12:00:00Z","fields":{}})", "key \"at\" must be a time"},
      {R"({"type":"x",)" + ok_at + R"(,"created":"-2h","fields":{}})", "key \"created\" must be"},
      {R"({"type":"x",)" + ok_at + R"(,"updated":"soon","fields":{}})", "key \"updated\" must be"},
      {R"({"type":"x",)" + ok_at + R"(,"tags":"a","fields":{}})", "key \"tags\" must be"},
      {R"({"type":"x",)" + ok_at + R"(,"tags":["a",1],"fields":{}})", "key \"tags\" must"},
      {R"({"type":"x",)" + ok_at + R"(,"feilds":{}})", "unknown key \"feilds\""},
  };
  for (const auto& [text, message] : cases) {
    auto e = FromText(text);
    ASSERT_FALSE(e.ok()) << text;
    EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(e.status().message()).substr(0, message.size()), message) << text << "\n"
                                                                                    << e.status();
  }
}

TEST(EntryFromExportJsonTest, ImportErrorPrefixesTheLine) {
  ImportItem item{json::object(), 17, 4};
  const absl::Status s = ImportError(item, absl::InvalidArgumentError("key \"type\" is required"));
  EXPECT_EQ(s.message(), "line 17: key \"type\" is required");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace haven
