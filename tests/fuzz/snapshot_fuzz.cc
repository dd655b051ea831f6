// snapshot_fuzz: the input is the plaintext of an index snapshot
// (ViewIndex::Restore; docs/design.md, "Index snapshot"). Decryption proves
// only that this vault wrote it, so the decoder must refuse anything it did
// not write without crashing, hanging or reading out of bounds; whatever it
// takes must answer queries and encode to a snapshot that restores alike.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/journal/view_index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 20)) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  haven::ViewIndex index;
  if (!index.Restore(input).ok()) return 0;
  size_t visited = 0;
  index.entries().Visit({.include_deleted = true}, [&](const haven::IndexedEntry& e) {
    if (e.type == nullptr || e.id.size() != 24) std::abort();
    ++visited;
    return true;
  });
  if (visited != index.entries().size()) std::abort();
  (void)index.Search({"a"}, {}, {}, 20);
  haven::ViewIndex again;
  if (!again.Restore(index.Snapshot()).ok()) std::abort();
  if (again.entries().size() != index.entries().size()) std::abort();
  return 0;
}
