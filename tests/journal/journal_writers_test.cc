// Two journals over one record log, as when the vault is locked and unlocked
// while a pull or an import still holds the first: they share the log's one
// writer lock, so their records never take the same sequence number.
#include <thread>

#include "tests/journal/journal_test_support.h"

namespace haven::testing {
namespace {

class JournalWritersTest : public JournalTestBase {};

TEST_F(JournalWritersTest, TwoJournalsOverOneLogNeverWriteTheSameSequence) {
  auto second = Journal::Open(store_.get(), log_.get(), &log_writer_, registry_, identity_, Keys(),
                              Secrets(), Members());
  ASSERT_TRUE(second.ok()) << second.status();
  constexpr int kEach = 100;
  auto write = [](Journal* journal) {
    for (int i = 0; i < kEach; ++i) {
      LogInput in;
      in.type = "checkin";
      in.fields_json = {{"mood", i % 10}};
      auto entry = journal->Log(in);
      ASSERT_TRUE(entry.ok()) << entry.status();
    }
  };
  std::thread a(write, journal_.get());
  std::thread b(write, second->get());
  a.join();
  b.join();
  second->reset();
  EXPECT_EQ(LocalHead(), 2u * kEach);
  // A journal opened afresh reads every entry back: none was written over.
  OpenJournal();
  ListFilter all;
  EXPECT_EQ(ListIds(all).size(), 2u * kEach);
  size_t records = 0, entries = 0;
  EXPECT_TRUE(journal_->Verify(&records, &entries).empty());
  EXPECT_EQ(records, 2u * kEach);
}

}  // namespace
}  // namespace haven::testing
