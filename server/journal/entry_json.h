// The entry JSON of SPEC section 3, shared by show, list and export:
// {"id","type","type_version","at","created","updated","tags","fields","derived"}.
#ifndef HAVEN_SERVER_JOURNAL_ENTRY_JSON_H_
#define HAVEN_SERVER_JOURNAL_ENTRY_JSON_H_

#include <nlohmann/json.hpp>

#include "haven/v1/record.pb.h"
#include "server/journal/entry.h"

namespace haven {

nlohmann::json EntryToJson(const Entry& entry);

// One record of an entry's history, for `haven show --history`:
// {"seq","device","kind","at","changes":{...}}.
nlohmann::json HistoryItemToJson(const v1::RecordBody& body, std::string_view device,
                                 uint64_t seq);

}  // namespace haven

#endif  // HAVEN_SERVER_JOURNAL_ENTRY_JSON_H_
