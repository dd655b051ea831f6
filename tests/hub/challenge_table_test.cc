// The pending-challenge table: bounded per caller (refused), per vault and
// in all (oldest dropped), single use, expiring.
#include "server/hub/challenge_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace haven {
namespace {

constexpr int64_t kNow = 1'000'000'000;

std::string Vault(int i) { return std::string(15, 'v') + static_cast<char>(i); }
std::string Peer(int i) { return "10.0.0." + std::to_string(i); }

TEST(ChallengeTableTest, NonceIsThirtyTwoBytesAndAnswersOnce) {
  ChallengeTable table;
  auto nonce = table.Issue(Vault(1), Peer(1), kNow);
  ASSERT_TRUE(nonce.ok()) << nonce.status();
  EXPECT_EQ(nonce->size(), kChallengeNonceBytes);
  EXPECT_FALSE(table.Consume(*nonce, Vault(2), kNow));  // another vault's: left alone
  EXPECT_TRUE(table.Consume(*nonce, Vault(1), kNow));
  EXPECT_FALSE(table.Consume(*nonce, Vault(1), kNow));  // single use
  EXPECT_EQ(table.size(), 0u);
}

TEST(ChallengeTableTest, ExpiresAfterItsLifetime) {
  ChallengeTable table(ChallengeLimits{.lifetime_us = 60'000'000});
  auto nonce = table.Issue(Vault(1), Peer(1), kNow);
  ASSERT_TRUE(nonce.ok());
  EXPECT_FALSE(table.Consume(*nonce, Vault(1), kNow + 60'000'000));
  auto other = table.Issue(Vault(1), Peer(1), kNow);
  ASSERT_TRUE(other.ok());
  // Expired entries are dropped by the next Issue.
  ASSERT_TRUE(table.Issue(Vault(2), Peer(2), kNow + 61'000'000).ok());
  EXPECT_EQ(table.size(), 1u);
}

TEST(ChallengeTableTest, ACallerWithTooManyPendingIsRefusedOthersAreNot) {
  ChallengeTable table(ChallengeLimits{.per_peer = 32, .per_vault = 8, .total = 10000});
  for (int i = 0; i < 32; ++i) ASSERT_TRUE(table.Issue(Vault(i), Peer(1), kNow).ok()) << i;
  auto refused = table.Issue(Vault(100), Peer(1), kNow);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(refused.status().message().find("32 login challenges pending"), std::string::npos)
      << refused.status();
  EXPECT_EQ(table.pending_for_peer(Peer(1)), 32u);
  EXPECT_TRUE(table.Issue(Vault(100), Peer(2), kNow).ok());
  // Answering one makes room again.
  auto mine = table.Issue(Vault(101), Peer(3), kNow);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(table.Consume(*mine, Vault(101), kNow));
  EXPECT_EQ(table.pending_for_peer(Peer(3)), 0u);
}

// Refusing at the vault bound would let anyone who knows a vault id lock
// its devices out; the vault's oldest challenge goes instead.
TEST(ChallengeTableTest, AVaultKeepsItsNewestChallengesOthersAreDropped) {
  ChallengeTable table(ChallengeLimits{.per_peer = 100, .per_vault = 8, .total = 10000});
  std::vector<std::string> nonces;
  for (int i = 0; i < 20; ++i) {
    auto nonce = table.Issue(Vault(1), Peer(i % 3), kNow + i);
    ASSERT_TRUE(nonce.ok()) << i;
    nonces.push_back(*nonce);
  }
  EXPECT_EQ(table.pending_for_vault(Vault(1)), 8u);
  EXPECT_EQ(table.size(), 8u);
  EXPECT_FALSE(table.Consume(nonces[0], Vault(1), kNow + 100));
  EXPECT_FALSE(table.Consume(nonces[11], Vault(1), kNow + 100));
  EXPECT_TRUE(table.Consume(nonces[12], Vault(1), kNow + 100));
  EXPECT_TRUE(table.Consume(nonces[19], Vault(1), kNow + 100));
}

TEST(ChallengeTableTest, TheWholeTableIsBoundedOldestFirst) {
  ChallengeTable table(ChallengeLimits{.per_peer = 4, .per_vault = 8, .total = 100});
  std::vector<std::string> nonces;
  for (int i = 0; i < 1000; ++i) {
    auto nonce = table.Issue(Vault(i % 200), Peer(i), kNow + i);
    ASSERT_TRUE(nonce.ok()) << nonce.status();
    nonces.push_back(*nonce);
    ASSERT_LE(table.size(), 100u);
  }
  EXPECT_EQ(table.size(), 100u);
  EXPECT_FALSE(table.Consume(nonces[0], Vault(0), kNow + 1000));
  EXPECT_TRUE(table.Consume(nonces[999], Vault(999 % 200), kNow + 1000));
  // Per-caller counts follow dropped challenges.
  EXPECT_EQ(table.pending_for_peer(Peer(0)), 0u);
}

}  // namespace
}  // namespace haven
