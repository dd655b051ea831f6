// The merge rules of docs/design.md, "Merge", as pure functions over one entry's
// state. The view is a function of the set of records alone, so every
// device that holds the same records shows the same entry, whatever order
// they arrived in.
//   - Fields, time and tags: last writer wins per field, by (hlc, device id).
//   - Delete / restore: the one with the highest (hlc, device id) decides;
//     a delete hides the entry only if it had seen every content record
//     (create or edit) of it, so a concurrent edit keeps the entry.
#ifndef HAVEN_SERVER_JOURNAL_MERGE_H_
#define HAVEN_SERVER_JOURNAL_MERGE_H_

#include <string_view>

#include "absl/status/status.h"
#include "haven/v1/record.pb.h"
#include "server/model/entry.h"

namespace haven {

// Folds one opened record into `state`. Returns false (and changes nothing)
// when the record was already applied.
bool ApplyRecord(v1::EntryState* state, const v1::RecordBody& body, std::string_view device,
                 uint64_t seq);

// Whether every JSON text a record carries (field values, derived values)
// that has brackets parses within kRecordJsonLimits
// (common/json_bounded.h); a record from another device that does not
// is refused like one that does not open. InvalidArgument naming the field,
// e.g. `field "mood": nested deeper than 16 levels`.
absl::Status CheckRecordJson(const v1::RecordBody& body);

bool IsDeleted(const v1::EntryState& state);

// A state that is an entry: its CREATE has arrived (records of an entry
// can arrive before it) and names a type.
bool IsEntry(const v1::EntryState& state);

// When the entry happened (unix microseconds); 0 before its CREATE arrived.
int64_t AtOf(const v1::EntryState& state);

// Which field values StateToEntry decodes.
enum class FieldValues {
  kAll,
  // Numbers, booleans and nulls only, and no tags: what stats reads.
  // Strings (free text above all) are most of an entry's bytes, and
  // skipping them makes a pass over a whole history several times cheaper.
  kNoStrings,
};

// The entry as people see it (derived values as recorded in the state).
// Only meaningful when state.has_create().
Entry StateToEntry(const v1::EntryState& state, FieldValues values = FieldValues::kAll);

}  // namespace haven

#endif  // HAVEN_SERVER_JOURNAL_MERGE_H_
