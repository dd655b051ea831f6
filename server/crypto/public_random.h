// Random bytes for values that are public but must never repeat: the nonce
// of every sealed record and view row, entry ids. Secrets (keys, session
// tokens) come from randombytes_buf directly and never pass through here.
#pragma once

#include <cstddef>

namespace haven {

// Fills `out` with `n` bytes from the operating system's generator, drawn
// a few kilobytes at a time per thread: a sync or an import seals one row
// after another, and one getrandom(2) call each cost more than the sealing.
void PublicRandom(void* out, size_t n);

}  // namespace haven
