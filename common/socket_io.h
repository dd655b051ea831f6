// Whole reads and writes on a stream socket, each bounded by a deadline:
// the local call protocol's I/O (common/local_call.h) on both ends. They
// work on blocking and non-blocking sockets alike (they wait with poll(2)),
// retry on EINTR, and never raise SIGPIPE.
#ifndef HAVEN_COMMON_SOCKET_IO_H_
#define HAVEN_COMMON_SOCKET_IO_H_

#include <chrono>
#include <cstddef>
#include <string_view>

#include "absl/status/status.h"

namespace haven {

using SocketDeadline = std::chrono::steady_clock::time_point;

// No deadline: wait as long as the peer keeps the connection open.
inline constexpr SocketDeadline kNoSocketDeadline = SocketDeadline::max();

// Reads exactly `n` bytes into `out`. UNAVAILABLE when the peer closes
// first or the socket fails, DEADLINE_EXCEEDED when `deadline` passes.
absl::Status ReadExactly(int fd, char* out, size_t n, SocketDeadline deadline);

// Writes all of `bytes`. UNAVAILABLE when the peer is gone or the socket
// fails, DEADLINE_EXCEEDED when `deadline` passes (a peer that stops
// reading cannot hold the writer longer).
absl::Status WriteAll(int fd, std::string_view bytes, SocketDeadline deadline);

// Waits until `fd` has a byte to read, or the peer closed, or `deadline`
// passes; the byte stays unread (MSG_PEEK). Returns it, or -1 when the peer
// closed or the socket failed, or -2 when the deadline passed.
int PeekByte(int fd, SocketDeadline deadline);

}  // namespace haven

#endif  // HAVEN_COMMON_SOCKET_IO_H_
