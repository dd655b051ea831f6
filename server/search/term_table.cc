#include "server/search/term_table.h"

#include <algorithm>

#include "absl/strings/string_view.h"
#include "server/search/search_index.h"
#include "server/search/word_folding.h"

namespace haven {
namespace {

// Debian's Abseil has its own string_view, which its string hash takes.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// The tag terms start with a byte no folded word holds.
constexpr char kTagMark = '\x01';

}  // namespace

uint32_t TermTable::Id(std::string_view term) {
  auto it = ids_.find(Absl(term));
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(lists_.size());
  ids_.emplace(std::string(term), id);
  lists_.emplace_back();
  return id;
}

std::optional<uint32_t> TermTable::Find(std::string_view term) const {
  auto it = ids_.find(Absl(term));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

void TermTable::Renumber(const std::vector<uint32_t>& renumber) {
  for (auto& list : lists_) list.Renumber(renumber);
}

void TermTable::ShrinkToFit() {
  for (auto& list : lists_) list.ShrinkToFit();
  lists_.shrink_to_fit();
}

size_t TermTable::ApproximateBytes() const {
  size_t bytes = ids_.capacity() * (sizeof(std::string) + sizeof(uint32_t) + 1) +
                 lists_.capacity() * sizeof(PostingList);
  for (const auto& [term, id] : ids_) {
    if (term.capacity() > 15) bytes += term.capacity() + 1;  // beyond the inline buffer
  }
  for (const auto& list : lists_) bytes += list.heap_bytes();
  return bytes;
}

std::string TagTerm(std::string_view tag) { return std::string(1, kTagMark).append(tag); }

void DocTermIds(const SearchDoc& doc, TermTable* table, std::vector<uint32_t>* out) {
  out->clear();
  auto add = [&](std::string_view folded, size_t, size_t) {
    out->push_back(table->Id(folded));
    return true;
  };
  for (std::string_view text : doc.texts) ForEachWord(text, add);
  for (std::string_view tag : doc.tags) {
    ForEachWord(tag, add);
    out->push_back(table->Id(TagTerm(tag)));
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

}  // namespace haven
