#include "server/daemon/connection_threads.h"

#include <sys/socket.h>

#include <system_error>
#include <utility>

namespace haven {

ConnectionThreads::~ConnectionThreads() { Stop(); }

bool ConnectionThreads::Start(int fd) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  const size_t idle = threads_.size() - busy_;
  if (queue_.size() >= idle) {  // every idle thread has a connection waiting
    if (threads_.size() < max_) {
      try {
        threads_.emplace_back([this] { Work(); });
      } catch (const std::system_error&) {
        if (threads_.empty()) return false;  // no thread to wait for
      }
    }
    if (queue_.size() >= idle + max_waiting_) return false;
  }
  held_.insert(fd);
  queue_.push_back(fd);
  return true;
}

void ConnectionThreads::Release(int fd) {
  absl::MutexLock lock(&mu_);
  held_.erase(fd);
}

void ConnectionThreads::Work() {
  while (true) {
    int fd = -1;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &ConnectionThreads::HasWork));
      if (queue_.empty()) return;  // stopping, nothing left to serve
      fd = queue_.front();
      queue_.pop_front();
      ++busy_;
    }
    serve_(fd);
    absl::MutexLock lock(&mu_);
    --busy_;
  }
}

void ConnectionThreads::Stop() {
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      stopping_ = true;
      for (int fd : held_) shutdown(fd, SHUT_RD);
    }
    threads.swap(threads_);
  }
  for (std::thread& thread : threads) thread.join();
}

}  // namespace haven
