// Reads and writes on the daemon's socket, each bounded by a deadline: the
// I/O of the CLI's gRPC calls (cli/grpc_call.h). They work on blocking and
// non-blocking sockets alike (they wait with poll(2)), retry on EINTR, and
// never raise SIGPIPE.
#ifndef HAVEN_CLI_SOCKET_IO_H_
#define HAVEN_CLI_SOCKET_IO_H_

#include <chrono>
#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"

namespace haven::cli {

using SocketDeadline = std::chrono::steady_clock::time_point;

// No deadline: wait as long as the peer keeps the connection open.
inline constexpr SocketDeadline kNoSocketDeadline = SocketDeadline::max();

// Reads what has arrived, at most `n` bytes, into `out`, waiting for at
// least one: the count, 0 when the peer has closed. UNAVAILABLE when the
// socket fails, DEADLINE_EXCEEDED when `deadline` passes first.
absl::StatusOr<size_t> ReadSome(int fd, char* out, size_t n, SocketDeadline deadline);

// Writes all of `bytes`. UNAVAILABLE when the peer is gone or the socket
// fails, DEADLINE_EXCEEDED when `deadline` passes (a peer that stops
// reading cannot hold the writer longer).
absl::Status WriteAll(int fd, std::string_view bytes, SocketDeadline deadline);

}  // namespace haven::cli

#endif  // HAVEN_CLI_SOCKET_IO_H_
