// `haven search` with a real daemon: words, phrases, exclusions, accents
// and case, filters, deleted and edited entries, entries pulled from
// another device, the locked vault, output formats and bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/e2e/harness.h"
#include "tests/e2e/sync_harness.h"

namespace haven::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// `haven search ARGS... --format jsonl`: the ids found, newest first.
std::vector<std::string> Found(const TestHome& home, std::vector<std::string> args) {
  args.insert(args.begin(), "search");
  args.push_back("--format");
  args.push_back("jsonl");
  RunResult r = home.Run(args);
  EXPECT_EQ(r.exit_code, 0) << r;
  return Ids(r.JsonLines());
}

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_.Init();
    letter_ =
        home_.Log({"letter", "-f", "issue=feeling not good enough at work", "-f",
                   "letter=Dear me, I hear a Gentle Voice today.", "--at", "-3d", "--tag", "work"});
    checkin_ = home_.Log(
        {"checkin", "-f", "mood=6", "-f", "note=Un été très doux, café au lait", "--at", "-2d"});
    walk_ = home_.Log({"mindfulness", "-f", "minutes=10", "-f",
                       "noticed=gentle rain, a voice inside was harsh", "--at", "-1d", "--tag",
                       "outdoors"});
  }
  TestHome home_;
  std::string letter_, checkin_, walk_;
};

TEST_F(SearchTest, EveryWordMustBeThereAndNewestComesFirst) {
  EXPECT_THAT(Found(home_, {"gentle"}), ElementsAre(walk_, letter_));
  EXPECT_THAT(Found(home_, {"gentle", "voice"}), ElementsAre(walk_, letter_));
  EXPECT_THAT(Found(home_, {"gentle", "work"}), ElementsAre(letter_));  // a tag is a word
  EXPECT_THAT(Found(home_, {"gentle", "nowhere"}), IsEmpty());
}

TEST_F(SearchTest, PhrasesAndExclusions) {
  EXPECT_THAT(Found(home_, {"gentle voice"}), ElementsAre(letter_));
  EXPECT_THAT(Found(home_, {"\"gentle voice\""}), ElementsAre(letter_));
  EXPECT_THAT(Found(home_, {"gentle", "-harsh"}), ElementsAre(letter_));
  EXPECT_THAT(Found(home_, {"gentle", "-\"gentle voice\""}), ElementsAre(walk_));
  EXPECT_THAT(Found(home_, {"voice \"gentle rain\""}), ElementsAre(walk_));
}

TEST_F(SearchTest, IgnoresCaseAndAccents) {
  EXPECT_THAT(Found(home_, {"ETE", "cafe"}), ElementsAre(checkin_));
  EXPECT_THAT(Found(home_, {"Été"}), ElementsAre(checkin_));
  EXPECT_THAT(Found(home_, {"TRES doux"}), ElementsAre(checkin_));
  EXPECT_THAT(Found(home_, {"GENTLE"}), ElementsAre(walk_, letter_));
}

TEST_F(SearchTest, FiltersLikeList) {
  EXPECT_THAT(Found(home_, {"gentle", "--type", "letter"}), ElementsAre(letter_));
  EXPECT_THAT(Found(home_, {"gentle", "--tag", "outdoors"}), ElementsAre(walk_));
  EXPECT_THAT(Found(home_, {"gentle", "--since", "-36h"}), ElementsAre(walk_));
  EXPECT_THAT(Found(home_, {"gentle", "--until", "-36h"}), ElementsAre(letter_));
  EXPECT_THAT(Found(home_, {"gentle", "--limit", "1"}), ElementsAre(walk_));
}

TEST_F(SearchTest, EachHitCarriesAnExcerptOfWhereItMatched) {
  RunResult r = home_.Run({"search", "voice", "--type", "letter", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  nlohmann::json hits = r.JsonOut();
  ASSERT_EQ(hits.size(), 1u) << r;
  EXPECT_EQ(hits[0]["id"], letter_);
  EXPECT_EQ(hits[0]["match"]["field"], "letter");
  EXPECT_EQ(hits[0]["match"]["snippet"], "Dear me, I hear a Gentle Voice today.");
  EXPECT_EQ(hits[0]["fields"]["issue"], "feeling not good enough at work");

  RunResult table = home_.Run({"search", "gentle", "--limit", "1", "--format", "table"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(table.out, HasSubstr(walk_.substr(0, 8)));
  EXPECT_THAT(table.out, HasSubstr("noticed: gentle rain"));
  EXPECT_THAT(table.err, HasSubstr("The newest 1 of 2 entries found"));

  RunResult csv = home_.Run({"search", "rain", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv;
  EXPECT_THAT(csv.out, HasSubstr(walk_));
}

TEST_F(SearchTest, DeletedOnlyWithDeletedAndEditsReplaceTheWords) {
  ASSERT_EQ(home_.Run({"rm", walk_}).exit_code, 0);
  EXPECT_THAT(Found(home_, {"gentle"}), ElementsAre(letter_));
  EXPECT_THAT(Found(home_, {"gentle", "--deleted"}), ElementsAre(walk_, letter_));
  ASSERT_EQ(home_.Run({"restore", walk_}).exit_code, 0);
  EXPECT_THAT(Found(home_, {"harsh"}), ElementsAre(walk_));

  ASSERT_EQ(home_.Run({"edit", letter_, "-f", "letter=Dear me, rest now."}).exit_code, 0);
  EXPECT_THAT(Found(home_, {"gentle"}), ElementsAre(walk_));
  EXPECT_THAT(Found(home_, {"rest"}), ElementsAre(letter_));
  ASSERT_EQ(home_.Run({"edit", letter_, "--tag", "calm"}).exit_code, 0);
  EXPECT_THAT(Found(home_, {"work"}), ElementsAre(letter_));  // still in its issue field
  EXPECT_THAT(Found(home_, {"rest", "--tag", "work"}), IsEmpty());
  EXPECT_THAT(Found(home_, {"rest", "--tag", "calm"}), ElementsAre(letter_));
}

TEST_F(SearchTest, TheIndexIsRebuiltAtUnlock) {
  ASSERT_EQ(home_.Run({"lock"}).exit_code, 0);
  home_.StopDaemon();
  EXPECT_THAT(Found(home_, {"gentle"}), ElementsAre(walk_, letter_));
  EXPECT_THAT(Found(home_, {"ete"}), ElementsAre(checkin_));
}

TEST_F(SearchTest, LockedSaysSoWithExitThree) {
  ASSERT_EQ(home_.Run({"lock"}).exit_code, 0);
  RunResult r = home_.Run({"search", "gentle"}, {{"HAVEN_PASSPHRASE", std::nullopt}});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_THAT(r.err, HasSubstr("locked"));
  EXPECT_TRUE(r.out.empty()) << r;
}

TEST_F(SearchTest, BadInputIsRefusedWithExitTwo) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"search", "-harsh"},
                                               {"search", "!!!"},
                                               {"search", "\"unclosed"},
                                               {"search", "gentle", "--limit", "10001"},
                                               {"search", std::string(2000, 'a')}}) {
    RunResult r = home_.Run(args);
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_EQ(r.ErrLines(), 1) << r;
    EXPECT_TRUE(r.out.empty()) << r;
  }
  RunResult none = home_.Run({"search"});
  EXPECT_EQ(none.exit_code, 2) << none;
}

TEST(SearchSyncTest, FindsEntriesPulledFromAnotherDevice) {
  Hub hub;
  ASSERT_TRUE(hub.Start());
  TestHome d1;
  nlohmann::json init = d1.Init();
  AddRemote(d1, hub);
  TestHome d2;
  ASSERT_EQ(Join(d2, hub, init["vault_id"], init["secret_key"]).exit_code, 0);
  const std::string mine = d2.Log({"letter", "-f", "issue=tired", "-f", "letter=Be tender, heart"});
  const std::string theirs =
      d1.Log({"letter", "-f", "issue=tired", "-f", "letter=Tender words from afar"});
  SyncOk(d1);
  SyncOk(d2);
  EXPECT_THAT(Found(d2, {"tender"}), UnorderedElementsAre(mine, theirs));
  EXPECT_THAT(Found(d2, {"afar"}), ElementsAre(theirs));
  // An edit made elsewhere replaces the words here too.
  ASSERT_EQ(d1.Run({"edit", theirs, "-f", "letter=Kind words from afar"}).exit_code, 0);
  SyncOk(d1);
  SyncOk(d2);
  EXPECT_THAT(Found(d2, {"tender"}), ElementsAre(mine));
  EXPECT_THAT(Found(d2, {"kind", "afar"}), ElementsAre(theirs));
}

}  // namespace
}  // namespace haven::e2e
