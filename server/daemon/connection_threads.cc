#include "server/daemon/connection_threads.h"

#include <sys/socket.h>

#include <utility>

namespace haven {

ConnectionThreads::~ConnectionThreads() { Stop(); }

bool ConnectionThreads::Start(int fd, std::function<void(int fd)> run) {
  Reap();
  absl::MutexLock lock(&mu_);
  if (stopping_ || workers_.size() >= max_) return false;
  held_.insert(fd);
  auto worker = workers_.emplace(workers_.end());
  // The new thread waits on mu_ until `worker` is filled in.
  worker->thread = std::thread([this, fd, worker, run = std::move(run)] {
    run(fd);
    absl::MutexLock done(&mu_);
    worker->done = true;
  });
  return true;
}

void ConnectionThreads::Release(int fd) {
  absl::MutexLock lock(&mu_);
  held_.erase(fd);
}

void ConnectionThreads::Reap() {
  std::list<Worker> finished;
  {
    absl::MutexLock lock(&mu_);
    for (auto it = workers_.begin(); it != workers_.end();) {
      auto next = std::next(it);
      if (it->done) finished.splice(finished.end(), workers_, it);
      it = next;
    }
  }
  for (Worker& worker : finished) worker.thread.join();
}

void ConnectionThreads::Stop() {
  std::list<Worker> all;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    for (int fd : held_) shutdown(fd, SHUT_RD);
    all.splice(all.end(), workers_);
  }
  for (Worker& worker : all) worker.thread.join();
}

}  // namespace haven
