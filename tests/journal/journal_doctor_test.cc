// `haven doctor` over the journal: Verify on a healthy store, and on one
// whose records were damaged or lost underneath it. What tampering with the
// view does is in journal_tamper_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/journal/journal_test_support.h"

namespace haven {
namespace {

using testing::At;

class JournalDoctorTest : public testing::JournalTestBase {};

TEST_F(JournalDoctorTest, VerifyFindsNoProblemsOnAHealthyStore) {
  Entry a = MustLog("checkin", {{"mood", 1}}, At(1));
  MustLog("checkin", {{"mood", 2}}, At(2));
  ASSERT_TRUE(journal_->Remove(a.id).ok());
  size_t records = 0, entries = 0;
  std::vector<std::string> problems = journal_->Verify(&records, &entries);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_EQ(records, 3u);
  EXPECT_EQ(entries, 2u);
}

TEST_F(JournalDoctorTest, VerifyReportsDamagedAndMissingRecords) {
  MustLog("checkin", {{"mood", 1}}, At(1));
  MustLog("checkin", {{"mood", 2}}, At(2));
  MustLog("checkin", {{"mood", 3}}, At(3));
  std::string key1 = log_->RecordKey(identity_.device_id, 1);
  auto sealed = store_->Get(Family::kRecords, key1);
  ASSERT_TRUE(sealed.ok() && sealed->has_value());
  std::string damaged = **sealed;
  // The AEAD tag, just before the signature.
  const size_t tag_end = damaged.size() - kRecordSignatureBytes - 1;
  damaged[tag_end] = static_cast<char>(damaged[tag_end] ^ 1);
  ASSERT_TRUE(store_->Put(Family::kRecords, key1, damaged, false).ok());
  DeleteKey(Family::kRecords, log_->RecordKey(identity_.device_id, 2));
  size_t records = 0, entries = 0;
  std::vector<std::string> problems = journal_->Verify(&records, &entries);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("does not open"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("missing"), std::string::npos) << problems[1];
}

}  // namespace
}  // namespace haven
