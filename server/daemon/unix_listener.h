// The home's Unix socket, served only to the user who owns the daemon.
//
// The socket file is 0600 in a 0700 home, and on top of that every
// connection's peer is asked who it is (SO_PEERCRED): a connection from any
// other uid is closed before a byte of gRPC is read, and logged. Accepted
// connections are handed to a gRPC server that listens on no port of its
// own (grpc::AddInsecureChannelFromFd), so the services on that server —
// Journal, Vault, Practice, Admin — are reachable only through this
// socket.
//
// Thread safety: Start and Stop from one thread; the accept loop runs on a
// thread of its own.
#ifndef HAVEN_SERVER_DAEMON_UNIX_LISTENER_H_
#define HAVEN_SERVER_DAEMON_UNIX_LISTENER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace grpc {
class Server;
}

namespace haven {

class UnixListener {
 public:
  // Binds and listens on `path` (replacing a stale socket file; the caller
  // holds the home lock), born 0600. `server` must outlive the listener.
  static absl::StatusOr<std::unique_ptr<UnixListener>> Listen(const std::string& path,
                                                              grpc::Server* server);
  ~UnixListener();  // Stop()

  UnixListener(const UnixListener&) = delete;
  UnixListener& operator=(const UnixListener&) = delete;

  // Starts accepting on a thread of its own.
  void Start();
  // Stops accepting and removes the socket file if it is still ours (a home
  // deleted and re-created under a stopping daemon may hold the next
  // daemon's). Connections already handed over end with the server.
  void Stop();

 private:
  UnixListener(std::string path, grpc::Server* server, int fd, int wake_fd, ino_t inode,
               dev_t device);
  void AcceptLoop();
  void Serve(int connection);

  const std::string path_;
  grpc::Server* const server_;
  int fd_;
  int wake_fd_;  // an eventfd that ends the accept loop
  const ino_t inode_;
  const dev_t device_;
  std::thread thread_;
};

// The uid at the other end of a connected Unix socket, or -1.
uid_t PeerUid(int connection);

}  // namespace haven

#endif  // HAVEN_SERVER_DAEMON_UNIX_LISTENER_H_
