// How havend gives memory back (docs/performance.md, "Idle memory"). A
// daemon spends most of its life idle with the vault locked; by then it
// should hold no decrypted index, no cached vault blocks and no free heap
// pages, only what serving the next request needs.
#ifndef HAVEN_SERVER_DAEMON_MEMORY_H_
#define HAVEN_SERVER_DAEMON_MEMORY_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string_view>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/store/store.h"

namespace haven {

// Gives memory back on its own thread, off every request's path.
//
// Thread safety: AfterLock and AfterBigCall may be called from any thread.
class MemoryReleaser {
 public:
  // `store` must outlive the releaser.
  explicit MemoryReleaser(Store* store);
  ~MemoryReleaser();  // Stop()
  MemoryReleaser(const MemoryReleaser&) = delete;
  MemoryReleaser& operator=(const MemoryReleaser&) = delete;

  // The vault locked: drops the store's cached blocks and memtables, hands
  // the index heap back (ReleaseIndexHeap), then returns free heap pages
  // to the system.
  void AfterLock();
  // A call that went through the whole history finished: returns free
  // heap pages to the system; the store's cache stays warm.
  void AfterBigCall();
  // Waits for a release under way; later requests do nothing. Called by
  // the owner at shutdown, when there is nothing worth giving back and a
  // flush would only keep the home locked longer.
  void Stop();

 private:
  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  // What the thread waits for: a release to make, or Stop.
  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || trim_heap_; }

  Store* store_;
  absl::Mutex mu_;
  bool release_store_ ABSL_GUARDED_BY(mu_) = false;
  bool trim_heap_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// True for a call whose work and memory grow with the whole history
// (import, export, stats, list, unlock, sync, join, doctor; a hub's push
// and pull), by its gRPC method name ("/haven.v1.Journal/List").
bool IsBigCall(std::string_view method);

// Server interceptors that call `releaser->AfterBigCall()` when a call
// whose work and memory grow with the whole history (import, export,
// stats, list, unlock, sync, join, doctor; a hub's push and pull) has
// finished. `releaser` must outlive the server.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> ReleaseAfterBigCalls(
    MemoryReleaser* releaser);

}  // namespace haven

#endif  // HAVEN_SERVER_DAEMON_MEMORY_H_
