#include "server/journal/merge.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "common/field_error.h"
#include "common/json_bounded.h"
#include "server/crypto/ids.h"
#include "server/journal/hlc.h"

namespace haven {
namespace {

using v1::EntryState;
using v1::FieldRegister;
using v1::RecordBody;
using v1::RecordRef;

// True when (hlc, device) orders after the register's writer.
bool Newer(uint64_t hlc, std::string_view device, uint64_t reg_hlc, std::string_view reg_device) {
  if (hlc != reg_hlc) return hlc > reg_hlc;
  return device > reg_device;
}

void Assign(FieldRegister* reg, std::string value_json, uint64_t hlc, std::string_view device) {
  if (!Newer(hlc, device, reg->hlc(), reg->device())) return;
  reg->set_value_json(std::move(value_json));
  reg->set_hlc(hlc);
  reg->set_device(std::string(device));
}

// A JSON text of a view row as a value; null when it is not one within
// kRecordJsonLimits. Pulled records are checked before they are stored
// (CheckRecordJson), so only a row written before that check can hold one.
nlohmann::json StoredJson(std::string_view text) {
  auto value = ParseJsonBounded(text, kRecordJsonLimits, "a stored value");
  return value.ok() ? std::move(*value) : nlohmann::json();
}

// A field's stored JSON as a value. Whole numbers, most of what a scan for
// stats reads, skip the JSON parser; they come out typed as it would type
// them (unsigned when not negative).
nlohmann::json FieldValue(const std::string& text) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (text.size() <= 18 && !text.empty()) {
    const bool negative = *begin == '-';
    int64_t whole = 0;
    auto [stop, error] = std::from_chars(begin, end, whole);
    const bool canonical = text.size() == 1 || (begin[negative ? 1 : 0] != '0');
    if (error == std::errc() && stop == end && canonical) {
      return negative ? nlohmann::json(whole) : nlohmann::json(static_cast<uint64_t>(whole));
    }
  }
  return StoredJson(text);
}

std::string TagsJson(const RecordBody& body) {
  nlohmann::json tags = nlohmann::json::array();
  for (const auto& t : body.tags()) tags.push_back(t);
  return tags.dump();
}

void ApplyContent(EntryState* state, const RecordBody& body, std::string_view device) {
  uint64_t hlc = body.hlc();
  if (body.kind() == RecordBody::CREATE) {
    state->set_has_create(true);
    state->set_type(body.type());
    state->set_type_version(std::max(state->type_version(), body.type_version()));
    state->set_created_hlc(hlc);
    if (body.created_us() != 0) state->set_created_us(body.created_us());
    if (body.updated_us() != 0) state->set_updated_us(body.updated_us());
  } else if (body.type_version() > state->type_version()) {
    state->set_type_version(body.type_version());
  }
  if (body.has_at()) Assign(state->mutable_at(), std::to_string(body.at_us()), hlc, device);
  if (body.has_tags()) Assign(state->mutable_tags(), TagsJson(body), hlc, device);
  for (const auto& [name, value] : body.set_fields()) {
    Assign(&(*state->mutable_fields())[name], value, hlc, device);
  }
  for (const auto& name : body.unset_fields()) {
    Assign(&(*state->mutable_fields())[name], std::string(), hlc, device);
  }
  if (!body.derived_json().empty() &&
      Newer(hlc, device, state->derived_hlc(), state->derived_device())) {
    state->set_derived_json(body.derived_json());
    state->set_derived_hlc(hlc);
    state->set_derived_device(std::string(device));
  }
}

void ApplyTombstone(EntryState* state, const RecordBody& body, std::string_view device,
                    uint64_t seq) {
  const RecordRef& last = state->last_tombstone_op();
  if (state->has_last_tombstone_op() && !Newer(body.hlc(), device, last.hlc(), last.device())) {
    return;
  }
  RecordRef* ref = state->mutable_last_tombstone_op();
  ref->set_device(std::string(device));
  ref->set_seq(seq);
  ref->set_kind(body.kind());
  ref->set_hlc(body.hlc());
  *state->mutable_last_tombstone_seen() = body.seen();
}

}  // namespace

bool ApplyRecord(EntryState* state, const RecordBody& body, std::string_view device, uint64_t seq) {
  for (const RecordRef& ref : state->records()) {
    if (ref.seq() == seq && ref.device() == device) return false;
  }
  state->set_entry_id(body.entry_id());
  RecordRef* ref = state->add_records();
  ref->set_device(std::string(device));
  ref->set_seq(seq);
  ref->set_kind(body.kind());
  ref->set_hlc(body.hlc());
  state->set_updated_hlc(std::max(state->updated_hlc(), body.hlc()));
  switch (body.kind()) {
    case RecordBody::CREATE:
    case RecordBody::EDIT:
    case RecordBody::DEFINE_TYPES:
      ApplyContent(state, body, device);
      break;
    case RecordBody::DELETE:
    case RecordBody::RESTORE:
      ApplyTombstone(state, body, device, seq);
      break;
    default:
      break;
  }
  return true;
}

// A text without brackets cannot nest, and one within a record is within
// the size limit: most field values (numbers, notes) need no parse here.
// Text that is not JSON at all reads as null (StoredJson) and hurts nothing.
absl::Status CheckStoredJson(std::string_view text, std::string_view what) {
  if (text.size() <= kRecordJsonLimits.max_bytes && text.find_first_of("[{") == text.npos) {
    return absl::OkStatus();
  }
  return CheckJsonBounded(text, kRecordJsonLimits, what);
}

absl::Status CheckRecordJson(const RecordBody& body) {
  for (const auto& [name, value] : body.set_fields()) {
    absl::Status s = CheckStoredJson(value, "field \"" + name + "\"");
    if (!s.ok()) return FieldError(s.code(), name, std::string(s.message()));
  }
  if (body.derived_json().empty()) return absl::OkStatus();
  return CheckStoredJson(body.derived_json(), "derived values");
}

bool IsDeleted(const EntryState& state) {
  if (!state.has_last_tombstone_op() || state.last_tombstone_op().kind() != RecordBody::DELETE) {
    return false;
  }
  const auto& seen = state.last_tombstone_seen();
  for (const RecordRef& ref : state.records()) {
    if (ref.kind() != RecordBody::CREATE && ref.kind() != RecordBody::EDIT) continue;
    auto it = seen.find(HexEncode(ref.device()));
    if (it == seen.end() || ref.seq() > it->second) return false;  // not seen: it survives
  }
  return true;
}

bool IsEntry(const EntryState& state) { return state.has_create() && !state.type().empty(); }

int64_t AtOf(const EntryState& state) {
  return state.at().value_json().empty() ? 0 : std::stoll(state.at().value_json());
}

Entry StateToEntry(const EntryState& state, FieldValues values) {
  Entry e;
  e.id = state.entry_id();
  e.type = state.type();
  e.type_version = state.type_version();
  e.at_us = AtOf(state);
  // Whole seconds: people read these, and export -> import keeps them exact.
  auto seconds = [](int64_t us) { return us - us % 1000000; };
  e.created_us = state.created_us() != 0 ? state.created_us()
                                         : seconds(HybridClock::ToMicros(state.created_hlc()));
  int64_t updated = seconds(HybridClock::ToMicros(state.updated_hlc()));
  if (state.updated_us() != 0 && state.updated_hlc() == state.created_hlc()) {
    updated = state.updated_us();  // imported and not changed since
  }
  e.updated_us = updated;
  if (values == FieldValues::kAll && !state.tags().value_json().empty()) {
    for (const auto& t : StoredJson(state.tags().value_json())) {
      if (t.is_string()) e.tags.push_back(t.get<std::string>());
    }
  }
  for (const auto& [name, reg] : state.fields()) {
    if (reg.value_json().empty()) continue;
    if (values == FieldValues::kNoStrings && reg.value_json().front() == '"') continue;
    e.fields[name] = FieldValue(reg.value_json());
  }
  if (!state.derived_json().empty()) {
    e.derived = StoredJson(state.derived_json());
    if (!e.derived.is_object()) e.derived = nlohmann::json::object();
  }
  e.deleted = IsDeleted(state);
  return e;
}

}  // namespace haven
