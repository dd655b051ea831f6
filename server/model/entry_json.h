// The JSON forms of an entry (docs/formats.md), shared by show, list and
// export: {"id","type","type_version","at","created","updated","tags",
// "fields","derived"}, and one record of an entry's history.
#ifndef HAVEN_SERVER_MODEL_ENTRY_JSON_H_
#define HAVEN_SERVER_MODEL_ENTRY_JSON_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "haven/v1/record.pb.h"
#include "server/model/entry.h"

namespace haven {

// The export object. Times are local RFC 3339 when they are whole seconds,
// else UTC with microseconds, so export -> import is lossless.
// EntryFromExportJson (insights/import.h) is its inverse.
nlohmann::json EntryToExportJson(const Entry& e);
std::string FormatExactTime(int64_t us);

// The export object, plus "deleted": true for a deleted entry.
nlohmann::json EntryToJson(const Entry& entry);

// One record of an entry's history, for `haven show --history`:
// {"kind","device","seq","written","changes":{...}}, where `written` is
// `written_us` (the record's hybrid-clock time) and `changes` holds what the
// record set ("at", "tags", fields) or unset (null).
nlohmann::json HistoryItemToJson(const v1::RecordBody& body, std::string_view device, uint64_t seq,
                                 int64_t written_us);

}  // namespace haven

#endif  // HAVEN_SERVER_MODEL_ENTRY_JSON_H_
