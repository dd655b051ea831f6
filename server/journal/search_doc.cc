#include "server/journal/search_doc.h"

#include "server/search/json_text.h"

namespace haven {
namespace {

// Appends each string of `json` to `out`, reusing its strings' buffers.
void Collect(std::string_view json, std::string* scratch, std::vector<std::string>* out,
             size_t* used) {
  ForEachJsonString(json, scratch, [&](std::string_view text) {
    if (*used == out->size()) out->emplace_back();
    (*out)[(*used)++].assign(text);
  });
}

}  // namespace

const SearchDoc& SearchDocReader::Read(const v1::EntryState& state) {
  size_t texts = 0, tags = 0;
  for (const auto& [name, field] : state.fields()) {
    Collect(field.value_json(), &scratch_, &texts_, &texts);
  }
  Collect(state.tags().value_json(), &scratch_, &tags_, &tags);
  doc_.texts.assign(texts_.begin(), texts_.begin() + static_cast<std::ptrdiff_t>(texts));
  doc_.tags.assign(tags_.begin(), tags_.begin() + static_cast<std::ptrdiff_t>(tags));
  return doc_;
}

}  // namespace haven
