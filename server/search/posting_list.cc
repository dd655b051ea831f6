#include "server/search/posting_list.h"

namespace haven {

void PostingList::PutVarint(uint32_t value) {
  while (value >= 0x80) {
    bytes_.push_back(static_cast<char>(value | 0x80));
    value >>= 7;
  }
  bytes_.push_back(static_cast<char>(value));
}

void PostingList::Append(uint32_t doc) {
  PutVarint(count_ == 0 ? doc : doc - last_);
  last_ = doc;
  ++count_;
}

void PostingList::AppendShifted(const PostingList& other, uint32_t base) {
  if (other.count_ == 0) return;
  Cursor first(other);
  Append(first.doc() + base);
  // Past its first number, `other` is gaps, the same whatever the base.
  size_t skip = 0;
  while (static_cast<unsigned char>(other.bytes_[skip]) & 0x80) ++skip;
  bytes_.append(other.bytes_, skip + 1, std::string::npos);
  last_ = other.last_ + base;
  count_ += other.count_ - 1;
}

void PostingList::Renumber(const std::vector<uint32_t>& renumber) {
  PostingList kept;
  for (Cursor c(*this); c.valid(); c.Next()) {
    const uint32_t to = c.doc() < renumber.size() ? renumber[c.doc()] : kDropped;
    if (to != kDropped) kept.Append(to);
  }
  kept.ShrinkToFit();
  *this = std::move(kept);
}

std::optional<PostingList> PostingList::FromBytes(std::string_view bytes, uint32_t count,
                                                  uint32_t limit) {
  if (count == 0 || bytes.size() > 5 * static_cast<size_t>(count)) return std::nullopt;
  PostingList list;
  size_t pos = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t value = 0;
    for (int shift = 0;; shift += 7) {
      if (pos == bytes.size() || shift > 28) return std::nullopt;
      const auto byte = static_cast<unsigned char>(bytes[pos++]);
      value |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) break;
    }
    if (i > 0 && value == 0) return std::nullopt;  // not ascending
    const uint64_t doc = i == 0 ? value : uint64_t{list.last_} + value;
    if (doc >= limit) return std::nullopt;
    list.last_ = static_cast<uint32_t>(doc);
  }
  if (pos != bytes.size()) return std::nullopt;
  list.bytes_.assign(bytes);
  list.count_ = count;
  return list;
}

std::vector<uint32_t> PostingList::Decode() const {
  std::vector<uint32_t> out;
  out.reserve(count_);
  for (Cursor c(*this); c.valid(); c.Next()) out.push_back(c.doc());
  return out;
}

void PostingList::Cursor::Next() {
  if (seen_ == list_->count_) {
    valid_ = false;
    return;
  }
  uint32_t value = 0;
  int shift = 0;
  while (true) {
    const auto byte = static_cast<unsigned char>(list_->bytes_[pos_++]);
    value |= static_cast<uint32_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) break;
    shift += 7;
  }
  doc_ = seen_ == 0 ? value : doc_ + value;
  ++seen_;
  valid_ = true;
}

}  // namespace haven
