#include "server/journal/entry_json.h"

#include "server/crypto/ids.h"
#include "server/insights/export.h"
#include "server/journal/hlc.h"
#include "server/util/json_bounded.h"
#include "server/util/time.h"

namespace haven {

nlohmann::json EntryToJson(const Entry& entry) {
  nlohmann::json j = EntryToExportJson(entry);
  if (entry.deleted) j["deleted"] = true;
  return j;
}

nlohmann::json HistoryItemToJson(const v1::RecordBody& body, std::string_view device,
                                 uint64_t seq) {
  static const char* const kKinds[] = {"unknown", "create", "edit", "delete", "restore", "types"};
  nlohmann::json j = nlohmann::json::object();
  int kind = body.kind();
  j["kind"] = kKinds[kind >= 0 && kind <= 5 ? kind : 0];
  j["device"] = HexEncode(device);
  j["seq"] = seq;
  j["written"] = FormatRfc3339(HybridClock::ToMicros(body.hlc()));
  nlohmann::json changes = nlohmann::json::object();
  if (body.has_at()) changes["at"] = FormatRfc3339(body.at_us());
  if (body.has_tags()) changes["tags"] = body.tags();
  for (const auto& [name, value] : body.set_fields()) {
    // A record stored before its JSON was checked shows null here.
    auto parsed = ParseJsonBounded(value, kRecordJsonLimits, name);
    changes[name] = parsed.ok() ? std::move(*parsed) : nlohmann::json();
  }
  for (const auto& name : body.unset_fields()) changes[name] = nullptr;
  j["changes"] = changes;
  return j;
}

}  // namespace haven
