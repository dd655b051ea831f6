// The threads that take an accepted connection's first steps on the home
// socket: see which protocol it speaks, then serve one local call or hand
// it to gRPC (server/daemon/unix_listener.h). At most `max` run at once,
// so a client that opens connections and sends nothing holds a bounded
// number of threads, each for a bounded time.
//
// A connection's fd is "held" from Start until its thread calls Release,
// which it must do before it closes the fd or gives it away; Stop stops
// reading on every fd still held (shutdown(2) SHUT_RD: a thread waiting
// for bytes wakes, a reply being written still goes out) and joins every
// thread.
//
// Thread safety: Start from one thread (the accept loop); Release from the
// connections' threads; Stop from one thread once Start is no longer called.
#ifndef HAVEN_SERVER_DAEMON_CONNECTION_THREADS_H_
#define HAVEN_SERVER_DAEMON_CONNECTION_THREADS_H_

#include <cstddef>
#include <functional>
#include <list>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"

namespace haven {

class ConnectionThreads {
 public:
  explicit ConnectionThreads(size_t max) : max_(max) {}
  ~ConnectionThreads();  // Stop()
  ConnectionThreads(const ConnectionThreads&) = delete;
  ConnectionThreads& operator=(const ConnectionThreads&) = delete;

  // Runs `run(fd)` on a thread of its own and holds `fd`. False, with `fd`
  // untouched, when `max` threads run already or after Stop.
  bool Start(int fd, std::function<void(int fd)> run) ABSL_LOCKS_EXCLUDED(mu_);
  // `fd` is its thread's alone again: Stop will not shut it down.
  void Release(int fd) ABSL_LOCKS_EXCLUDED(mu_);
  // Refuses new threads, stops reading on every held fd, joins every
  // thread. A second call does nothing.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Worker {
    std::thread thread;
    bool done = false;
  };
  // Joins the threads that have finished.
  void Reap() ABSL_LOCKS_EXCLUDED(mu_);

  const size_t max_;
  absl::Mutex mu_;
  std::list<Worker> workers_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<int> held_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace haven

#endif  // HAVEN_SERVER_DAEMON_CONNECTION_THREADS_H_
