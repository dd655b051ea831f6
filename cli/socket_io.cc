#include "cli/socket_io.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace haven::cli {
namespace {

// Milliseconds left until `deadline` for poll(2): -1 for none, at least 0.
int PollTimeout(SocketDeadline deadline) {
  if (deadline == kNoSocketDeadline) return -1;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return 0;
  return left.count() > 1'000'000 ? 1'000'000 : static_cast<int>(left.count());
}

// Waits for `events` on `fd` until `deadline`: OK when ready (or hung up:
// the next read or write says what), DEADLINE_EXCEEDED once it has passed.
// A signal, or a poll(2) cut short by PollTimeout's cap, waits again for
// what is left.
absl::Status WaitFor(int fd, short events, SocketDeadline deadline) {
  pollfd p{fd, events, 0};
  while (true) {
    int ready = poll(&p, 1, PollTimeout(deadline));
    if (ready > 0) return absl::OkStatus();
    if (ready == 0 && std::chrono::steady_clock::now() >= deadline) {
      return absl::DeadlineExceededError("havend did not answer in time");
    }
    if (ready == 0) continue;
    if (errno != EINTR) {
      return absl::UnavailableError(std::string("poll failed: ") + std::strerror(errno));
    }
  }
}

bool Retry(ssize_t n) {
  return n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

absl::StatusOr<size_t> ReadSome(int fd, char* out, size_t n, SocketDeadline deadline) {
  while (true) {
    absl::Status ready = WaitFor(fd, POLLIN, deadline);
    if (!ready.ok()) return ready;
    ssize_t got = recv(fd, out, n, MSG_DONTWAIT);
    if (Retry(got)) continue;
    if (got < 0) {
      return absl::UnavailableError(std::string("read failed: ") + std::strerror(errno));
    }
    return static_cast<size_t>(got);
  }
}

absl::Status WriteAll(int fd, std::string_view bytes, SocketDeadline deadline) {
  while (!bytes.empty()) {
    absl::Status ready = WaitFor(fd, POLLOUT, deadline);
    if (!ready.ok()) return ready;
    ssize_t put = send(fd, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (Retry(put)) continue;
    if (put < 0) {
      return absl::UnavailableError(std::string("write failed: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(put));
  }
  return absl::OkStatus();
}

}  // namespace haven::cli
