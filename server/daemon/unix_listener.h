// The home's Unix socket, served only to the user who owns the daemon.
//
// The socket file is 0600 in a 0700 home, and on top of that every
// connection's peer is asked who it is (SO_PEERCRED): a connection from any
// other uid is closed before a byte is read, and logged. The owner's
// connections each go to a pool thread (ConnectionThreads, at most
// ListenerLimits::threads busy at once) that waits up to kLocalRequestWithin for
// the first byte: HTTP/2's preface ('P') hands the connection to a gRPC
// server that listens on no port of its own (grpc::AddInsecureChannelFromFd),
// a local call ('h', common/local_call.h) is served by the LocalCallServer,
// anything else is closed. The services on that server and in that
// LocalCallServer — Journal, Vault, Practice, Admin — are reachable only
// through this socket.
//
// Thread safety: Start and Stop from one thread; the accept loop runs on a
// thread of its own.
#ifndef HAVEN_SERVER_DAEMON_UNIX_LISTENER_H_
#define HAVEN_SERVER_DAEMON_UNIX_LISTENER_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "server/daemon/connection_threads.h"
#include "server/daemon/local_call_server.h"

namespace grpc {
class Server;
}

namespace haven {

// How many connections the socket serves at once, and for how long it
// waits for one's request. Tests make them small, or long.
struct ListenerLimits {
  size_t threads = 64;   // connections served at once
  size_t waiting = 256;  // more, waiting for a thread; past both, refused
  std::chrono::milliseconds request_within = kLocalRequestWithin;
};

class UnixListener {
 public:
  // Binds and listens on `path` (replacing a stale socket file; the caller
  // holds the home lock), born 0600. `server` and `calls` must outlive the
  // listener; with no `calls`, local calls are closed unanswered.
  static absl::StatusOr<std::unique_ptr<UnixListener>> Listen(const std::string& path,
                                                              grpc::Server* server,
                                                              const LocalCallServer* calls,
                                                              ListenerLimits limits = {});
  ~UnixListener();  // Stop()

  UnixListener(const UnixListener&) = delete;
  UnixListener& operator=(const UnixListener&) = delete;

  // Starts accepting on a thread of its own.
  void Start();
  // Stops accepting, stops reading the connections not yet handed over and
  // waits for the local calls under way to answer, then removes the socket
  // file if it is still ours (a home deleted and re-created under a
  // stopping daemon may hold the next daemon's). Connections already handed
  // to gRPC end with the server.
  void Stop();

 private:
  UnixListener(std::string path, grpc::Server* server, const LocalCallServer* calls,
               ListenerLimits limits, int fd, int wake_fd, ino_t inode, dev_t device);
  void AcceptLoop();
  void Serve(int connection);
  // On the connection's own thread: what it speaks decides who serves it.
  void Route(int connection);

  const std::string path_;
  grpc::Server* const server_;
  const LocalCallServer* const calls_;
  const ListenerLimits limits_;
  ConnectionThreads connections_;
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
