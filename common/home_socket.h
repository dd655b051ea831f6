// The Unix socket where a home's havend serves the CLI: shared by the
// daemon (which listens there) and the CLI (which connects, and starts a
// daemon when nothing answers).
#ifndef HAVEN_COMMON_HOME_SOCKET_H_
#define HAVEN_COMMON_HOME_SOCKET_H_

#include <string>

namespace haven {

// HOME/havend.sock.
std::string SocketPath(const std::string& home);

// A stream socket connected to the Unix socket at `path` (close-on-exec),
// or -1 with errno set: ENAMETOOLONG for a path too long for a Unix socket.
int ConnectSocket(const std::string& path);

// True when something accepts connections on the Unix socket at `path`: a
// plain connect(2), far cheaper than a gRPC call. False for a path too long
// for a Unix socket.
bool SocketAnswers(const std::string& path);

}  // namespace haven

#endif  // HAVEN_COMMON_HOME_SOCKET_H_
