// cli/cmd_search.cc: `-word` after `search` becomes an exclusion before
// CLI11 sees it, and nothing else changes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/context.h"

namespace haven::cli {
namespace {

using ::testing::ElementsAre;
using Args = std::vector<std::string>;

TEST(RewriteSearchExclusions, TurnsDashWordsAfterSearchIntoExclusions) {
  EXPECT_THAT(
      RewriteSearchExclusions({"haven", "search", "kind", "-harsh", "-\"inner critic\""}),
      ElementsAre("haven", "search", "kind", "--exclude=harsh", "--exclude=\"inner critic\""));
}

TEST(RewriteSearchExclusions, LeavesOptionValuesLongOptionsAndOtherCommands) {
  EXPECT_THAT(RewriteSearchExclusions({"haven", "--format", "json", "search", "kind", "--since",
                                       "-7d", "--limit=5", "-x"}),
              ElementsAre("haven", "--format", "json", "search", "kind", "--since", "-7d",
                          "--limit=5", "--exclude=x"));
  EXPECT_THAT(RewriteSearchExclusions({"haven", "search", "kind", "--", "-literal"}),
              ElementsAre("haven", "search", "kind", "--", "-literal"));
  EXPECT_THAT(RewriteSearchExclusions({"haven", "log", "checkin", "--at", "-2h"}),
              ElementsAre("haven", "log", "checkin", "--at", "-2h"));
  EXPECT_THAT(RewriteSearchExclusions({"haven", "--home", "search", "list", "-x"}),
              ElementsAre("haven", "--home", "search", "list", "-x"));
  EXPECT_THAT(RewriteSearchExclusions({"haven"}), ElementsAre("haven"));
}

}  // namespace
}  // namespace haven::cli
