// Import through the path the daemon runs (server/insights/import_session.cc):
// every entry checked by Journal::PrepareImport, then the new ones written
// by Journal::WriteImported.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/util/status_macros.h"
#include "tests/journal/journal_test_support.h"

namespace haven {
namespace {

using absl::StatusCode;
using nlohmann::json;
using testing::At;

class JournalImportTest : public testing::JournalTestBase {
 protected:
  // As an import session does: checks every entry (an id repeated in the
  // input is skipped, errors name the entry), then writes the new ones.
  // Returns {imported, skipped}.
  absl::StatusOr<std::pair<size_t, size_t>> ImportAll(const std::vector<LogInput>& inputs) {
    std::vector<v1::RecordBody> bodies;
    std::set<std::string> ids_seen;
    for (size_t i = 0; i < inputs.size(); ++i) {
      LogInput in = inputs[i];
      in.origin = "entry " + std::to_string(i + 1);
      if (!in.id.empty() && !ids_seen.insert(in.id).second) continue;
      ASSIGN_OR_RETURN(std::optional<v1::RecordBody> body, journal_->PrepareImport(in));
      if (body) bodies.push_back(std::move(*body));
    }
    ASSIGN_OR_RETURN(size_t imported, journal_->WriteImported(std::move(bodies)));
    return std::make_pair(imported, inputs.size() - imported);
  }
};

TEST_F(JournalImportTest, ImportValidatesEverythingBeforeWriting) {
  auto input = [](std::string type, json fields, std::string id = "") {
    LogInput in;
    in.type = std::move(type);
    in.fields_json = std::move(fields);
    in.at_us = At(1);
    in.id = std::move(id);
    return in;
  };
  std::vector<LogInput> bad_last = {input("checkin", {{"mood", 1}}),
                                    input("checkin", {{"mood", 2}}),
                                    input("checkin", {{"mood", 11}})};
  EXPECT_EQ(ImportAll(bad_last).status().code(), StatusCode::kInvalidArgument);
  std::vector<LogInput> unknown_type = {input("checkin", {{"mood", 1}}),
                                        input("gratitude", {{"x", 1}})};
  EXPECT_EQ(ImportAll(unknown_type).status().code(), StatusCode::kInvalidArgument);
  std::vector<LogInput> bad_tag = {input("checkin", {{"mood", 1}})};
  bad_tag[0].tags = {"has space"};
  EXPECT_EQ(ImportAll(bad_tag).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LocalHead(), 0u);
  EXPECT_TRUE(Dump().empty());
}

TEST_F(JournalImportTest, ImportKeepsIdsAndTimesAndSkipsKnownIds) {
  LogInput with_id;
  with_id.type = "checkin";
  with_id.fields_json = {{"mood", 4}};
  with_id.at_us = At(1) + 250000;  // imports keep exact times
  with_id.id = "0123456789abcdef01234567";
  with_id.created_us = At(-5);
  with_id.updated_us = At(-4);
  with_id.tags = {"imported"};
  LogInput without_id;
  without_id.type = "mindfulness";
  without_id.fields_json = {{"minutes", 3}};
  without_id.at_us = At(2);

  auto counts = ImportAll({with_id, without_id});
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(*counts, std::make_pair(size_t{2}, size_t{0}));
  auto kept = journal_->Get(with_id.id);
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->at_us, At(1));  // entry times are kept to the second
  EXPECT_EQ(kept->created_us, At(-5));
  EXPECT_EQ(kept->updated_us, At(-4));
  EXPECT_EQ(kept->tags, std::vector<std::string>{"imported"});
  EXPECT_EQ(Dump().size(), 2u);

  counts = ImportAll({with_id, without_id});
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(*counts, std::make_pair(size_t{1}, size_t{1}));
  EXPECT_EQ(Dump().size(), 3u);
}

TEST_F(JournalImportTest, ImportOfTheSameIdTwiceInOneBatchImportsItOnce) {
  LogInput first;
  first.type = "checkin";
  first.fields_json = {{"mood", 4}};
  first.at_us = At(1);
  first.id = "0123456789abcdef01234567";
  LogInput second = first;
  second.fields_json = {{"mood", 9}};
  auto counts = ImportAll({first, second});
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(*counts, std::make_pair(size_t{1}, size_t{1}));
  EXPECT_EQ(LocalHead(), 1u);
  EXPECT_EQ(journal_->Get(first.id)->fields["mood"], 4);
}

TEST_F(JournalImportTest, ErrorsNameTheEntry) {
  LogInput bad;
  bad.type = "checkin";
  bad.fields_json = {{"mood", 11}};
  LogInput good = bad;
  good.fields_json = {{"mood", 3}};
  auto counts = ImportAll({good, bad});
  EXPECT_EQ(counts.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(counts.status().message().rfind("entry 2: ", 0), 0u) << counts.status();
  EXPECT_EQ(LocalHead(), 0u) << "nothing written";
}

TEST_F(JournalImportTest, ImportsManyBatchesInOrderWithContiguousSequences) {
  std::vector<LogInput> inputs(2500);
  for (size_t i = 0; i < inputs.size(); ++i) {
    inputs[i].type = "checkin";
    inputs[i].fields_json = {{"mood", 1 + static_cast<int>(i % 10)}};
    inputs[i].at_us = At(static_cast<int>(i));
  }
  auto counts = ImportAll(inputs);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(*counts, std::make_pair(size_t{2500}, size_t{0}));
  EXPECT_EQ(LocalHead(), 2500u);
  EXPECT_EQ(journal_->live_entries(), 2500u);
  size_t records = 0, entries = 0;
  EXPECT_TRUE(journal_->Verify(&records, &entries).empty());
  EXPECT_EQ(entries, 2500u);
}

}  // namespace
}  // namespace haven
