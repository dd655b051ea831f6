// Fuzz target for `haven import` input: ImportReader must split any bytes the
// same way whatever the chunking, never crash, and every entry it accepts
// must survive export -> import unchanged.
//
// Built with -fsanitize=fuzzer it is a libFuzzer target; otherwise
// fuzz_replay_main.cc replays the files named on its command line.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "server/insights/export.h"
#include "server/insights/import.h"

namespace {

struct Result {
  std::vector<haven::ImportItem> items;
  absl::Status status;
};

Result ReadAll(std::string_view text, size_t chunk) {
  haven::ImportReader reader(1 << 16);
  Result r;
  for (size_t at = 0; at < text.size() && r.status.ok(); at += chunk) {
    r.status = reader.Feed(text.substr(at, chunk));
    while (auto item = reader.Next()) r.items.push_back(std::move(*item));
  }
  if (r.status.ok()) r.status = reader.Finish();
  while (auto item = reader.Next()) r.items.push_back(std::move(*item));
  return r;
}

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "import_fuzz: %s\n", what);
    std::abort();
  }
}

// An accepted entry exported again must import to the same values.
void CheckRoundTrip(const haven::ImportedEntry& in) {
  haven::Entry e;
  e.id = in.id.value_or("000000000000000000000000");
  e.type = in.type;
  e.type_version = in.type_version;
  e.at_us = in.at_us;
  e.created_us = in.created_us.value_or(in.at_us);
  e.updated_us = in.updated_us.value_or(in.at_us);
  e.tags = in.tags;
  e.fields = in.fields;
  const std::string text =
      haven::EntryToExportJson(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  auto back = haven::EntryFromExportJson(nlohmann::json::parse(text));
  Check(back.ok(), "an exported entry does not import");
  Check(back->at_us == e.at_us && back->created_us == e.created_us &&
            back->updated_us == e.updated_us,
        "times changed on the round trip");
  Check(back->tags == e.tags && back->fields == e.fields && back->type == e.type &&
            back->type_version == e.type_version,
        "values changed on the round trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Result whole = ReadAll(text, size == 0 ? 1 : size);
  const Result pieces = ReadAll(text, 1 + size % 7);
  Check(whole.status == pieces.status, "chunking changed the status");
  Check(whole.items.size() == pieces.items.size(), "chunking changed the entries");
  for (size_t i = 0; i < whole.items.size(); ++i) {
    Check(whole.items[i].value == pieces.items[i].value, "chunking changed a value");
    Check(whole.items[i].line == pieces.items[i].line, "chunking changed a line number");
    Check(whole.items[i].value.is_object(), "an entry that is not an object");
    auto entry = haven::EntryFromExportJson(whole.items[i].value);
    if (entry.ok()) CheckRoundTrip(*entry);
  }
  return 0;
}
