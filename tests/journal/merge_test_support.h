// Records of one entry for the merge tests (docs/design.md, "Merge"): a
// CREATE, EDITs, DELETEs and RESTOREs from three devices with clocks in
// ticks, and folding them in a given order.
#ifndef HAVEN_TESTS_JOURNAL_MERGE_TEST_SUPPORT_H_
#define HAVEN_TESTS_JOURNAL_MERGE_TEST_SUPPORT_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/crypto/ids.h"
#include "server/journal/merge.h"
#include "server/model/entry_json.h"

namespace haven::merge_testing {

using v1::EntryState;
using v1::RecordBody;

inline const std::string kDeviceA(16, '\x0a');
inline const std::string kDeviceB(16, '\x0b');
inline const std::string kDeviceC(16, '\x0c');
inline const std::string kEntryId = "0123456789abcdef01234567";
constexpr uint64_t kBaseMs = 1'790'000'000'000;  // late 2026

inline uint64_t Hlc(uint64_t tick) { return (kBaseMs + tick) << 16; }

struct Rec {
  RecordBody body;
  std::string device;
  uint64_t seq;
};

using Fields = std::map<std::string, nlohmann::json>;

inline Rec Create(const std::string& device, uint64_t seq, uint64_t tick, const Fields& fields,
                  std::vector<std::string> tags = {}, int64_t at_us = 1'790'000'000'000'000) {
  Rec r{RecordBody(), device, seq};
  r.body.set_kind(RecordBody::CREATE);
  r.body.set_hlc(Hlc(tick));
  r.body.set_entry_id(kEntryId);
  r.body.set_type("checkin");
  r.body.set_type_version(1);
  r.body.set_has_at(true);
  r.body.set_at_us(at_us);
  r.body.set_has_tags(true);
  for (const auto& t : tags) r.body.add_tags(t);
  for (const auto& [name, value] : fields) (*r.body.mutable_set_fields())[name] = value.dump();
  return r;
}

inline Rec Edit(const std::string& device, uint64_t seq, uint64_t tick, const Fields& fields,
                std::vector<std::string> unset = {}) {
  Rec r{RecordBody(), device, seq};
  r.body.set_kind(RecordBody::EDIT);
  r.body.set_hlc(Hlc(tick));
  r.body.set_entry_id(kEntryId);
  r.body.set_type_version(1);
  for (const auto& [name, value] : fields) (*r.body.mutable_set_fields())[name] = value.dump();
  for (const auto& name : unset) r.body.add_unset_fields(name);
  return r;
}

using Seen = std::map<std::string, uint64_t>;  // raw device id -> seq

inline Rec Tombstone(RecordBody::Kind kind, const std::string& device, uint64_t seq, uint64_t tick,
                     const Seen& seen) {
  Rec r{RecordBody(), device, seq};
  r.body.set_kind(kind);
  r.body.set_hlc(Hlc(tick));
  r.body.set_entry_id(kEntryId);
  for (const auto& [d, s] : seen) (*r.body.mutable_seen())[HexEncode(d)] = s;
  return r;
}

inline Rec Delete(const std::string& device, uint64_t seq, uint64_t tick, const Seen& seen) {
  return Tombstone(RecordBody::DELETE, device, seq, tick, seen);
}

inline Rec Restore(const std::string& device, uint64_t seq, uint64_t tick, const Seen& seen) {
  return Tombstone(RecordBody::RESTORE, device, seq, tick, seen);
}

inline EntryState Fold(const std::vector<Rec>& records) {
  EntryState state;
  for (const Rec& r : records) ApplyRecord(&state, r.body, r.device, r.seq);
  return state;
}

inline EntryState FoldInOrder(const std::vector<Rec>& records, const std::vector<size_t>& order) {
  EntryState state;
  for (size_t i : order) ApplyRecord(&state, records[i].body, records[i].device, records[i].seq);
  return state;
}

// Everything a person sees of the entry, as one comparable string.
inline std::string View(const EntryState& state) {
  return EntryToJson(StateToEntry(state)).dump() + (IsDeleted(state) ? " deleted" : " live");
}

inline nlohmann::json FieldsOf(const EntryState& state) { return StateToEntry(state).fields; }

}  // namespace haven::merge_testing

#endif  // HAVEN_TESTS_JOURNAL_MERGE_TEST_SUPPORT_H_
