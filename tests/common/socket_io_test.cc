// Deadline-bounded socket I/O (common/socket_io.h) over a socket pair:
// whole reads across several writes, a peer that closes early, a deadline
// already passed, a peeked byte that stays to be read, and writes to a
// peer that is gone (no SIGPIPE).
#include "common/socket_io.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace haven {
namespace {

class SocketIoTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds_), 0); }
  void TearDown() override {
    if (fds_[0] >= 0) close(fds_[0]);
    if (fds_[1] >= 0) close(fds_[1]);
  }
  int fds_[2] = {-1, -1};
};

TEST_F(SocketIoTest, ReadsExactlyWhatWasAskedAcrossSeveralWrites) {
  std::thread writer([this] {
    for (std::string_view part : {"he", "ll", "o!"}) {
      ASSERT_TRUE(WriteAll(fds_[1], part, kNoSocketDeadline).ok());
    }
  });
  char out[5];
  ASSERT_TRUE(ReadExactly(fds_[0], out, sizeof(out), kNoSocketDeadline).ok());
  writer.join();
  EXPECT_EQ(std::string(out, 5), "hello");
  char last;
  ASSERT_TRUE(ReadExactly(fds_[0], &last, 1, kNoSocketDeadline).ok());
  EXPECT_EQ(last, '!');
}

TEST_F(SocketIoTest, APeerThatClosesEarlyIsUnavailable) {
  ASSERT_TRUE(WriteAll(fds_[1], "ab", kNoSocketDeadline).ok());
  close(fds_[1]);
  fds_[1] = -1;
  char out[3];
  EXPECT_TRUE(absl::IsUnavailable(ReadExactly(fds_[0], out, sizeof(out), kNoSocketDeadline)));
}

TEST_F(SocketIoTest, APassedDeadlineWithNothingToReadIsDeadlineExceeded) {
  char out;
  const SocketDeadline passed = std::chrono::steady_clock::now();
  EXPECT_TRUE(absl::IsDeadlineExceeded(ReadExactly(fds_[0], &out, 1, passed)));
  EXPECT_EQ(PeekByte(fds_[0], passed), -2);
}

TEST_F(SocketIoTest, APeekedByteStaysToBeRead) {
  ASSERT_TRUE(WriteAll(fds_[1], "h", kNoSocketDeadline).ok());
  EXPECT_EQ(PeekByte(fds_[0], kNoSocketDeadline), 'h');
  char out;
  ASSERT_TRUE(ReadExactly(fds_[0], &out, 1, kNoSocketDeadline).ok());
  EXPECT_EQ(out, 'h');
  close(fds_[1]);
  fds_[1] = -1;
  EXPECT_EQ(PeekByte(fds_[0], kNoSocketDeadline), -1);
}

TEST_F(SocketIoTest, WritingToAPeerThatIsGoneIsUnavailableNotSigpipe) {
  close(fds_[0]);
  fds_[0] = -1;
  EXPECT_TRUE(absl::IsUnavailable(WriteAll(fds_[1], "anyone?", kNoSocketDeadline)));
}

}  // namespace
}  // namespace haven
