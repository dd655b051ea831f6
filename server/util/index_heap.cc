#include "server/util/index_heap.h"

#include <atomic>

namespace haven {
namespace {

std::atomic<IndexHeap*> installed{nullptr};
thread_local int depth = 0;  // scopes open on this thread

}  // namespace

void InstallIndexHeap(IndexHeap* heap) { installed.store(heap, std::memory_order_release); }

IndexHeapScope::IndexHeapScope() : entered_(nullptr) {
  if (depth++ > 0) return;
  entered_ = installed.load(std::memory_order_acquire);
  if (entered_ != nullptr) entered_->Enter();
}

IndexHeapScope::~IndexHeapScope() {
  --depth;
  if (entered_ != nullptr) entered_->Leave();
}

}  // namespace haven
