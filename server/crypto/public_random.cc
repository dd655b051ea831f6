#include "server/crypto/public_random.h"

#include <pthread.h>
#include <sodium.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "server/crypto/secret_bytes.h"

namespace haven {
namespace {

constexpr size_t kPoolBytes = 2048;  // 85 nonces

// Bumped in a forked child, whose copy of a pool must not hand out the
// bytes its parent will hand out too.
std::atomic<uint64_t> fork_generation{0};

struct Pool {
  uint8_t bytes[kPoolBytes];
  size_t used = kPoolBytes;
  uint64_t generation = 0;
};
thread_local Pool pool;

void WatchForks() {
  static std::once_flag once;
  std::call_once(once,
                 [] { pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1); }); });
}

}  // namespace

void PublicRandom(void* out, size_t n) {
  EnsureSodium();
  if (n > kPoolBytes / 8) {
    randombytes_buf(out, n);
    return;
  }
  Pool& p = pool;
  const uint64_t generation = fork_generation.load(std::memory_order_relaxed);
  if (p.used + n > kPoolBytes || p.generation != generation) {
    WatchForks();
    randombytes_buf(p.bytes, kPoolBytes);
    p.used = 0;
    p.generation = generation;
  }
  std::memcpy(out, p.bytes + p.used, n);
  sodium_memzero(p.bytes + p.used, n);  // handed out once, then gone
  p.used += n;
}

}  // namespace haven
