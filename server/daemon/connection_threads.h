// The threads that take an accepted connection's first steps on the home
// socket: see which protocol it speaks, then serve one local call or hand
// it to gRPC (server/daemon/unix_listener.h). A pool: a thread is started
// only when every one there is works, at most `max` of them, and each
// stays for the next connection, since starting a thread for every call
// (its stack mapped, then given back with a TLB shootdown on every core)
// cost a local call about a millisecond (docs/performance-notes.md, "Local
// calls"). With `max` threads busy, up to `max_waiting` more connections
// wait for one (as a kernel backlog would); past that a connection is
// refused, so a client that opens connections and sends nothing holds a
// bounded number of threads and fds, each for a bounded time.
//
// A connection's fd is "held" from Start until its thread calls Release,
// which it must do before it closes the fd or gives it away; Stop stops
// reading on every fd still held (shutdown(2) SHUT_RD: a thread waiting
// for bytes wakes, a reply being written still goes out), lets the threads
// finish what they were given, and joins them.
//
// Thread safety: Start from one thread (the accept loop); Release from the
// pool's threads; Stop from one thread once Start is no longer called.
#ifndef HAVEN_SERVER_DAEMON_CONNECTION_THREADS_H_
#define HAVEN_SERVER_DAEMON_CONNECTION_THREADS_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"

namespace haven {

class ConnectionThreads {
 public:
  // Each connection given to Start is passed to `serve` on a pool thread.
  ConnectionThreads(size_t max, size_t max_waiting, std::function<void(int fd)> serve)
      : max_(max), max_waiting_(max_waiting), serve_(std::move(serve)) {}
  ~ConnectionThreads();  // Stop()
  ConnectionThreads(const ConnectionThreads&) = delete;
  ConnectionThreads& operator=(const ConnectionThreads&) = delete;

  // Holds `fd` and gives it to an idle thread, a new one, or the queue of
  // those waiting. False, with `fd` untouched, when that queue is full, a
  // thread cannot be started, or after Stop.
  bool Start(int fd) ABSL_LOCKS_EXCLUDED(mu_);
  // `fd` is its thread's alone again: Stop will not shut it down.
  void Release(int fd) ABSL_LOCKS_EXCLUDED(mu_);
  // Refuses new connections, stops reading on every held fd, joins every
  // thread once the connections already given are served. A second call
  // does nothing.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // One pool thread: serves queued connections until Stop.
  void Work() ABSL_LOCKS_EXCLUDED(mu_);
  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); }

  const size_t max_;
  const size_t max_waiting_;
  const std::function<void(int fd)> serve_;
  absl::Mutex mu_;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
  std::deque<int> queue_ ABSL_GUARDED_BY(mu_);
  size_t busy_ ABSL_GUARDED_BY(mu_) = 0;  // threads serving a connection
  absl::flat_hash_set<int> held_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace haven

#endif  // HAVEN_SERVER_DAEMON_CONNECTION_THREADS_H_
