// Who a caller is (PeerKey) and how fast it may call before a login.
#include "server/hub/peer_limits.h"

#include <gtest/gtest.h>

namespace haven {
namespace {

TEST(PeerKeyTest, DropsThePortAndGroupsIpv6ByNetwork) {
  EXPECT_EQ(PeerKey("ipv4:1.2.3.4:5678"), "1.2.3.4");
  EXPECT_EQ(PeerKey("ipv4:127.0.0.1:1"), "127.0.0.1");
  EXPECT_EQ(PeerKey("ipv6:[::1]:5678"), "::/64");
  EXPECT_EQ(PeerKey("ipv6:%5B::1%5D:5678"), "::/64");
  EXPECT_EQ(PeerKey("ipv6:[::ffff:1.2.3.4]:80"), "1.2.3.4");
  EXPECT_EQ(PeerKey("ipv6:[2001:db8:1:2:aaaa::1]:80"), "2001:db8:1:2::/64");
  EXPECT_EQ(PeerKey("ipv6:[2001:db8:1:2:bbbb::9]:81"), "2001:db8:1:2::/64");
  EXPECT_NE(PeerKey("ipv6:[2001:db8:1:3::1]:80"), "2001:db8:1:2::/64");
  EXPECT_EQ(PeerKey("unix:/run/haven/havend.sock"), "unix");
  EXPECT_EQ(PeerKey("unix:"), "unix");
  EXPECT_EQ(PeerKey(""), "unknown");
  EXPECT_EQ(PeerKey("ipv4:not-an-ip:80"), "unknown");
  EXPECT_EQ(PeerKey("something else"), "unknown");
}

TEST(PeerRateLimiterTest, ABurstThenTheSustainedRate) {
  PeerRateLimiter limiter(RateLimit{.burst = 60, .per_second = 20, .max_peers = 10});
  const int64_t t0 = 1'000'000'000;
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.Admit("1.2.3.4", "Challenge", t0).ok()) << i;
  absl::Status refused = limiter.Admit("1.2.3.4", "Challenge", t0);
  ASSERT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(refused.message().find("Challenge: too many calls before login"), std::string::npos)
      << refused;
  // Another caller has its own bucket.
  EXPECT_TRUE(limiter.Admit("5.6.7.8", "Challenge", t0).ok());
  // A second later, 20 more calls and no more.
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(limiter.Admit("1.2.3.4", "Authenticate", t0 + 1'000'000).ok()) << i;
  }
  EXPECT_FALSE(limiter.Admit("1.2.3.4", "Authenticate", t0 + 1'000'000).ok());
}

TEST(PeerRateLimiterTest, TheTableOfCallersIsBoundedForgettingTheLeastRecent) {
  PeerRateLimiter limiter(RateLimit{.burst = 2, .per_second = 0, .max_peers = 3});
  const int64_t t0 = 1'000'000'000;
  ASSERT_TRUE(limiter.Admit("a", "m", t0).ok());
  ASSERT_TRUE(limiter.Admit("a", "m", t0).ok());
  ASSERT_FALSE(limiter.Admit("a", "m", t0).ok());  // "a" is out of tokens
  ASSERT_TRUE(limiter.Admit("b", "m", t0).ok());
  ASSERT_TRUE(limiter.Admit("c", "m", t0).ok());
  EXPECT_FALSE(limiter.Admit("a", "m", t0).ok());  // seen again: most recent now
  ASSERT_TRUE(limiter.Admit("d", "m", t0).ok());   // "b" goes, "a" stays
  EXPECT_FALSE(limiter.Admit("a", "m", t0).ok());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(limiter.Admit("x" + std::to_string(i), "m", t0).ok());
  EXPECT_EQ(limiter.peers(), 3u);
}

}  // namespace
}  // namespace haven
