#include "server/util/net_address.h"

#include <gtest/gtest.h>

namespace haven {
namespace {

TEST(SplitHostPortTest, SplitsNamesV4AndBracketedV6) {
  auto a = SplitHostPort("hub.example.org:7070");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->host, "hub.example.org");
  EXPECT_EQ(a->port, 7070);
  auto b = SplitHostPort("127.0.0.1:0");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->host, "127.0.0.1");
  EXPECT_EQ(b->port, 0);
  auto c = SplitHostPort("[::1]:65535");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 65535);
}

TEST(SplitHostPortTest, RefusesMalformedAddressesNamingThem) {
  for (const char* bad :
       {"", "hub", ":7070", "hub:", "hub:70x", "hub:65536", "hub:123456", "::1:7070", "[::1]7070",
        "[::1]:", "[hub]:7070", "[::1:7070", "h[u]b:7070", "[]:7070", "hub:-1", "hub: 70"}) {
    auto parsed = SplitHostPort(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(parsed.status().message().find(std::string("\"") + bad + "\""),
              std::string_view::npos)
        << parsed.status();
  }
}

TEST(LoopbackTest, LoopbackIpLiteralsAndLocalhostOnly) {
  for (const char* host : {"127.0.0.1", "127.255.255.254", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1",
                           "::ffff:127.0.0.1", "localhost"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host :
       {"127.example.com", "127.0.0.1.example.com", "127.1", "127", "128.0.0.1", "10.0.0.1",
        "0.0.0.0", "::", "::2", "::ffff:10.0.0.1", "localhost.", "localhost.example.com",
        "LOCALHOST", "evil.localhost", "[::1]", "", "1.2.3.4"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(LoopbackTest, AddressesAreParsedNotPrefixMatched) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1:7070"));
  EXPECT_TRUE(IsLoopbackAddress("[::1]:7070"));
  EXPECT_TRUE(IsLoopbackAddress("localhost:7070"));
  EXPECT_TRUE(IsLoopbackAddress("[::ffff:127.0.0.1]:7070"));
  EXPECT_FALSE(IsLoopbackAddress("127.example.com:7070"));
  EXPECT_FALSE(IsLoopbackAddress("127.0.0.1.nip.io:7070"));
  EXPECT_FALSE(IsLoopbackAddress("[::]:7070"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0:7070"));
  EXPECT_FALSE(IsLoopbackAddress("127.0.0.1"));  // no port: does not parse
}

}  // namespace
}  // namespace haven
