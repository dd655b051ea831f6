#include "server/model/entry_json.h"

#include "common/json_bounded.h"
#include "common/time.h"
#include "server/crypto/ids.h"

namespace haven {

std::string FormatExactTime(int64_t us) {
  return us % 1'000'000 == 0 ? FormatRfc3339(us) : FormatRfc3339Utc(us);
}

nlohmann::json EntryToExportJson(const Entry& e) {
  return {{"id", e.id},
          {"type", e.type},
          {"type_version", e.type_version},
          {"at", FormatExactTime(e.at_us)},
          {"created", FormatExactTime(e.created_us)},
          {"updated", FormatExactTime(e.updated_us)},
          {"tags", e.tags},
          {"fields", e.fields},
          {"derived", e.derived}};
}

nlohmann::json EntryToJson(const Entry& entry) {
  nlohmann::json j = EntryToExportJson(entry);
  if (entry.deleted) j["deleted"] = true;
  return j;
}

nlohmann::json HistoryItemToJson(const v1::RecordBody& body, std::string_view device, uint64_t seq,
                                 int64_t written_us) {
  static const char* const kKinds[] = {"unknown", "create", "edit", "delete", "restore", "types"};
  nlohmann::json j = nlohmann::json::object();
  int kind = body.kind();
  j["kind"] = kKinds[kind >= 0 && kind <= 5 ? kind : 0];
  j["device"] = HexEncode(device);
  j["seq"] = seq;
  j["written"] = FormatRfc3339(written_us);
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
