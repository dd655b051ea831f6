// Nonces and ids come from a per-thread pool of operating-system random
// bytes; what matters is that no two draws ever hand out the same bytes.
#include "server/crypto/public_random.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace haven {
namespace {

std::string Draw(size_t n = 24) {
  std::string out(n, '\0');
  PublicRandom(out.data(), n);
  return out;
}

TEST(PublicRandomTest, DrawsNeverRepeatAcrossRefillsAndThreads) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(seen.insert(Draw()).second);
  std::vector<std::vector<std::string>> drawn(4);
  std::vector<std::thread> threads;
  for (auto& mine : drawn) {
    threads.emplace_back([&mine] {
      for (int i = 0; i < 500; ++i) mine.push_back(Draw());
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& mine : drawn) {
    for (const auto& d : mine) ASSERT_TRUE(seen.insert(d).second);
  }
}

TEST(PublicRandomTest, LargeRequestsAreFilledWhole) {
  std::string big = Draw(4096);
  EXPECT_NE(big.find_first_not_of('\0'), std::string::npos);
  EXPECT_NE(big.substr(0, 2048), big.substr(2048));
}

// A forked child starts with a copy of its parent's pool; it must draw
// fresh bytes, not the ones its parent hands out next.
TEST(PublicRandomTest, AForkedChildDoesNotRepeatItsParent) {
  (void)Draw();  // the pool is full and mostly unused
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string d = Draw();
    _exit(write(fds[1], d.data(), d.size()) == static_cast<ssize_t>(d.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string from_child(24, '\0');
  ASSERT_EQ(read(fds[0], from_child.data(), from_child.size()), 24);
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_NE(Draw(), from_child);
}

}  // namespace
}  // namespace haven
