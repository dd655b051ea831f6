// Deadline-bounded socket I/O (cli/socket_io.h) over a socket pair: reads
// of what has arrived, a read that waits for a writer, a peer that closed,
// a deadline already passed, and writes to a peer that is gone (no
// SIGPIPE).
#include "cli/socket_io.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace haven::cli {
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

TEST_F(SocketIoTest, ReadsWhatHasArrivedUpToTheBufferAndZeroOnceThePeerClosed) {
  ASSERT_TRUE(WriteAll(fds_[1], "hello", kNoSocketDeadline).ok());
  char out[3];
  absl::StatusOr<size_t> got = ReadSome(fds_[0], out, sizeof(out), kNoSocketDeadline);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(std::string(out, *got), "hel");
  got = ReadSome(fds_[0], out, sizeof(out), kNoSocketDeadline);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(std::string(out, *got), "lo");
  close(fds_[1]);
  fds_[1] = -1;
  got = ReadSome(fds_[0], out, sizeof(out), kNoSocketDeadline);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, 0u);
}

TEST_F(SocketIoTest, AReadWaitsForAWriteFromAnotherThread) {
  std::thread writer([this] { ASSERT_TRUE(WriteAll(fds_[1], "late", kNoSocketDeadline).ok()); });
  std::string read;
  char out[8];
  while (read.size() < 4) {
    absl::StatusOr<size_t> got = ReadSome(fds_[0], out, sizeof(out), kNoSocketDeadline);
    ASSERT_TRUE(got.ok() && *got > 0);
    read.append(out, *got);
  }
  writer.join();
  EXPECT_EQ(read, "late");
}

TEST_F(SocketIoTest, APassedDeadlineWithNothingToReadIsDeadlineExceeded) {
  char out;
  const SocketDeadline passed = std::chrono::steady_clock::now();
  EXPECT_TRUE(absl::IsDeadlineExceeded(ReadSome(fds_[0], &out, 1, passed).status()));
}

TEST_F(SocketIoTest, WritingToAPeerThatIsGoneIsUnavailableNotSigpipe) {
  close(fds_[0]);
  fds_[0] = -1;
  EXPECT_TRUE(absl::IsUnavailable(WriteAll(fds_[1], "anyone?", kNoSocketDeadline)));
}

}  // namespace
}  // namespace haven::cli
