// EntryIndex as a snapshot's plaintext holds it (docs/design.md, "Index
// snapshot"). Decoding reads outside bytes: every count is checked against
// what is left before anything is allocated.
#include "absl/status/status.h"
#include "server/journal/entry_index.h"
#include "server/util/byte_codec.h"

namespace haven {
namespace {

constexpr size_t kMaxTypeBytes = 1024;
constexpr size_t kRowBytes = 12 + 8 + 2 + 1;

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError("index snapshot: " + std::string(what));
}

}  // namespace

void EntryIndex::Clear() {
  by_time_.clear();
  by_id_.clear();
  // Capacity too: the index heap is handed back only once all is freed.
  rows_ = decltype(rows_)();
  types_ = decltype(types_)();
  counts_ = decltype(counts_)();
  live_ = 0;
  stale_ = 0;
}

bool EntryIndex::Encode(std::string* out) const {
  if (stale_ != 0) return false;
  PutFixed<uint32_t>(out, static_cast<uint32_t>(types_.size()));
  for (const auto& type : types_) {
    PutFixed<uint16_t>(out, static_cast<uint16_t>(type->size()));
    out->append(*type);
  }
  PutFixed<uint32_t>(out, static_cast<uint32_t>(rows_.size()));
  for (const Row& row : rows_) {
    out->append(reinterpret_cast<const char*>(row.key.data()), row.key.size());
    PutFixed<int64_t>(out, row.at_us);
    PutFixed<uint16_t>(out, row.type);
    PutFixed<uint8_t>(out, row.state);
  }
  return true;
}

absl::Status EntryIndex::Decode(std::string_view* in) {
  if (!rows_.empty() || !types_.empty()) return absl::FailedPreconditionError("not empty");
  uint32_t types = 0;
  if (!GetFixed(in, &types) || types > UINT16_MAX || types > in->size() / 2) {
    return Corrupt("type count");
  }
  for (uint32_t i = 0; i < types; ++i) {
    uint16_t size = 0;
    std::string_view name;
    if (!GetFixed(in, &size) || size > kMaxTypeBytes || !GetBytes(in, size, &name)) {
      return Corrupt("type");
    }
    if (Find(name)) return Corrupt("a type twice");
    Intern(name);
  }
  uint32_t rows = 0;
  if (!GetFixed(in, &rows) || rows >= kProbe || rows > in->size() / kRowBytes) {
    return Corrupt("row count");
  }
  rows_.reserve(rows);
  for (uint32_t i = 0; i < rows; ++i) {
    Row row{};
    std::string_view key;
    GetBytes(in, row.key.size(), &key);
    std::copy(key.begin(), key.end(), row.key.begin());
    GetFixed(in, &row.at_us);
    GetFixed(in, &row.type);
    GetFixed(in, &row.state);
    if (row.type >= types || (row.state != kLive && row.state != kDeleted)) {
      return Corrupt("row");
    }
    rows_.push_back(row);
  }
  AddSorted();
  if (stale_ != 0) return Corrupt("an entry twice");
  return absl::OkStatus();
}

}  // namespace haven
