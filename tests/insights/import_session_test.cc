// One `haven import` stream over a real journal (server/insights/
// import_session.h), the path every import takes: the first bad entry in
// input order fails the whole import before anything is written, even when
// it sits in a later batch than good ones; ids repeated in the input or
// already held are skipped; validating writes nothing; how the input is cut
// into chunks changes nothing.
#include "server/insights/import_session.h"

#include <gmock/gmock.h>

#include "server/model/entry_json.h"
#include "tests/journal/journal_test_support.h"

namespace haven {
namespace {

using nlohmann::json;
using ::testing::StartsWith;

class ImportSessionTest : public testing::JournalTestBase {
 protected:
  // One check-in line; `id` may be empty.
  static std::string Line(int i, const std::string& id = "", int mood = 5) {
    json entry = {{"type", "checkin"},
                  {"at", FormatExactTime(testing::At(-(i % 1000)))},
                  {"fields", {{"mood", mood}}}};
    if (!id.empty()) entry["id"] = id;
    return entry.dump() + "\n";
  }
  static std::string Id(int i) {
    std::string n = std::to_string(i);
    return std::string(24 - n.size(), '0') + n;
  }

  struct Result {
    absl::Status status;
    uint64_t imported = 0;
    uint64_t skipped = 0;
  };
  Result Run(const std::string& input, bool validate_only = false, size_t chunk = 1 << 16) {
    ImportSession session(journal_.get(), validate_only, dir_.path());
    Result r;
    for (size_t at = 0; at < input.size() && r.status.ok(); at += chunk) {
      r.status = session.Feed(std::string_view(input).substr(at, chunk));
    }
    if (r.status.ok()) r.status = session.Finish();
    r.imported = session.imported();
    r.skipped = session.skipped();
    return r;
  }

  size_t Live() { return ListIds(ListFilter()).size(); }
};

TEST_F(ImportSessionTest, ABadEntryInALaterBatchWritesNothing) {
  std::string input;
  for (int i = 1; i < 3000; ++i) input += Line(i);
  input += Line(3000, "", /*mood=*/99);
  const Result r = Run(input);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status.message()), StartsWith("line 3000: "));
  EXPECT_EQ(Live(), 0u);
}

TEST_F(ImportSessionTest, TheFirstBadEntryInInputOrderWins) {
  std::string input = Line(1) + Line(2, "", 99) + Line(3, "", 42) + "{\"type\":";
  const Result r = Run(input);
  EXPECT_THAT(std::string(r.status.message()), StartsWith("line 2: "));
  EXPECT_EQ(Live(), 0u);
}

TEST_F(ImportSessionTest, IdsRepeatedOrHeldAreSkipped) {
  const std::string input = Line(1, Id(1)) + Line(2, Id(2)) + Line(3, Id(1)) + Line(4);
  Result r = Run(input);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.imported, 3u);
  EXPECT_EQ(r.skipped, 1u);
  EXPECT_EQ(Live(), 3u);
  r = Run(input);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.imported, 1u);  // only the line without an id is new
  EXPECT_EQ(r.skipped, 3u);
  EXPECT_EQ(Live(), 4u);
}

TEST_F(ImportSessionTest, ValidatingWritesNothing) {
  std::string input;
  for (int i = 1; i <= 2500; ++i) input += Line(i);
  const Result r = Run(input, /*validate_only=*/true);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.imported, 2500u);
  EXPECT_EQ(Live(), 0u);
}

TEST_F(ImportSessionTest, ChunkBoundariesChangeNothing) {
  std::string input;
  for (int i = 1; i <= 50; ++i) input += Line(i, Id(i));
  const Result r = Run(input, false, /*chunk=*/7);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.imported, 50u);
  const std::vector<std::string> ids = ListIds(ListFilter());
  ASSERT_EQ(ids.size(), 50u);
  auto entry = journal_->Get(Id(17));
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->fields, json({{"mood", 5}}));
}

TEST_F(ImportSessionTest, AnEmptyInputImportsNothing) {
  const Result r = Run("");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.imported, 0u);
  EXPECT_EQ(r.skipped, 0u);
}

}  // namespace
}  // namespace haven
