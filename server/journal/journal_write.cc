// Local changes: each becomes one sealed record of this device.

#include "absl/status/status.h"
#include "common/field_error.h"
#include "common/json_bounded.h"
#include "common/time.h"
#include "server/crypto/ids.h"
#include "server/journal/journal.h"
#include "server/journal/merge.h"
#include "server/util/parallel.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

// Below this many records, starting threads costs more than sealing on one.
constexpr size_t kParallelRecords = 64;

int64_t WholeSeconds(int64_t us) { return us - ((us % 1000000) + 1000000) % 1000000; }

// The most a record's hlc (set when it is written) adds to its body: a tag
// byte and a ten-byte varint.
constexpr size_t kHlcFieldBytes = 11;

absl::Status CheckSealedSize(size_t sealed_bytes) {
  if (sealed_bytes <= kMaxRecordBytes) return absl::OkStatus();
  return absl::InvalidArgumentError("entry is too large (" + std::to_string(sealed_bytes / 1024) +
                                    " KiB sealed; at most " +
                                    std::to_string(kMaxRecordBytes / 1024) + " KiB)");
}

// An EDIT that changes nothing: the entry already reads this way.
bool IsEmptyChange(const v1::RecordBody& body) {
  return body.set_fields().empty() && body.unset_fields().empty() && !body.has_at() &&
         !body.has_tags();
}

absl::Status CheckJsonObject(const nlohmann::json& j) {
  if (!j.is_null() && !j.is_object()) {
    return InputError(absl::StatusCode::kInvalidArgument, kFieldsJsonField, "fields JSON",
                      "expected a JSON object of field values");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<nlohmann::json> Journal::BuildFields(const ExerciseType& type, nlohmann::json base,
                                                    const std::map<std::string, std::string>& text,
                                                    const nlohmann::json& json_fields) const {
  RETURN_IF_ERROR(CheckJsonObject(json_fields));
  if (json_fields.is_object()) {
    for (const auto& [name, value] : json_fields.items()) base[name] = value;
  }
  for (const auto& [name, value] : text) {
    ASSIGN_OR_RETURN(base[name], types_->ParseFieldText(type, name, value));
  }
  return types_->Validate(type, base);
}

std::map<std::string, uint64_t> Journal::SeenVector() const {
  std::map<std::string, uint64_t> seen;
  for (const auto& [device, head] : log_->Heads()) seen[HexEncode(device)] = head;
  return seen;
}

absl::Status Journal::AppendLocal(std::vector<v1::RecordBody> bodies,
                                  std::vector<v1::EntryState>* states) {
  StagedAppend staged =
      StageLocal(std::move(bodies), log_->Head(identity_.device_id) + 1, OwnChainHead());
  RETURN_IF_ERROR(staged.status);
  RETURN_IF_ERROR(CommitLocal(&staged));
  if (states != nullptr) {
    for (const auto& body : staged.bodies) states->push_back(staged.pending.at(body.entry_id()));
  }
  return absl::OkStatus();
}

absl::StatusOr<Entry> Journal::AppendOne(v1::RecordBody body) {
  std::vector<v1::EntryState> states;
  RETURN_IF_ERROR(AppendLocal({std::move(body)}, &states));
  return StateToEntry(states.front());
}

Journal::StagedAppend Journal::StageLocal(std::vector<v1::RecordBody> bodies, uint64_t first_seq,
                                          std::string prev_hash) {
  std::vector<IncomingRecord> records(bodies.size());
  const uint32_t epoch = keys_->current_epoch();
  const SecretBytes& record_key = *keys_->record_key(epoch);
  // Each record names the one before it (docs/design.md, "Devices and key
  // epochs"), so they seal in order; the signatures, most of the work, are
  // made on up to PassThreads() threads (at most four) for an import's batch.
  for (size_t i = 0; i < records.size(); ++i) {
    RecordHeader& header = records[i].header;
    header.vault_id = identity_.vault_id;
    header.device_id = identity_.device_id;
    header.seq = first_seq + i;
    header.epoch = epoch;
    header.prev_hash = std::move(prev_hash);
    records[i].sealed = SealRecord(record_key, header, bodies[i].SerializeAsString());
    prev_hash = RecordChainHash(records[i].sealed);
  }
  const int threads = records.size() >= kParallelRecords ? PassThreads() : 1;
  // Signing cannot fail: the status is always ok.
  (void)RunOnThreads(threads, [&](int worker) {
    for (size_t i = worker; i < records.size(); i += threads) {
      SignRecord(&records[i].sealed, secrets_.sign_key);
    }
    return absl::OkStatus();
  });
  StagedAppend staged{std::move(bodies), log_->Stage(std::move(records))};
  const std::vector<IncomingRecord>& staged_records = staged.append.records;
  for (const auto& r : staged_records) {
    staged.status = CheckSealedSize(r.sealed.size());
    if (!staged.status.ok()) return staged;
  }
  staged.items.reserve(staged_records.size());
  for (size_t i = 0; i < staged_records.size(); ++i) {
    staged.items.push_back({&staged_records[i].header, &staged.bodies[i], /*local=*/true});
  }
  staged.status = view_.Fold(staged.items, &staged.append.batch, &staged.pending);
  return staged;
}

absl::Status Journal::CommitLocal(StagedAppend* staged) {
  RETURN_IF_ERROR(log_->Commit(&staged->append, /*sync=*/true));
  view_.Publish(staged->items, staged->pending);
  return absl::OkStatus();
}

absl::StatusOr<v1::RecordBody> Journal::BuildCreate(const LogInput& input) const {
  auto type = types_->Find(input.type);
  if (!type) {
    return absl::InvalidArgumentError("unknown exercise type \"" + input.type +
                                      "\" (see `haven types`)");
  }
  ASSIGN_OR_RETURN(nlohmann::json fields, BuildFields(*type, nlohmann::json::object(),
                                                      input.field_text, input.fields_json));
  ASSIGN_OR_RETURN(nlohmann::json derived, types_->Derive(*type, fields));
  ASSIGN_OR_RETURN(std::vector<std::string> tags, NormalizeTags(input.tags));

  v1::RecordBody body;
  body.set_kind(v1::RecordBody::CREATE);
  body.set_entry_id(input.id.empty() ? NewEntryId() : input.id);
  body.set_type(type->id);
  body.set_type_version(type->version);
  body.set_has_at(true);
  body.set_at_us(WholeSeconds(input.at_us.value_or(NowMicros())));
  body.set_has_tags(true);
  for (const auto& t : tags) body.add_tags(t);
  for (const auto& [name, value] : fields.items())
    (*body.mutable_set_fields())[name] = value.dump();
  if (!derived.empty()) body.set_derived_json(derived.dump());
  body.set_created_us(input.created_us);
  body.set_updated_us(input.updated_us);
  // Refused now, not when sealed: an import checks every entry before it
  // writes any.
  RETURN_IF_ERROR(CheckSealedSize(SealedRecordSize(body.ByteSizeLong() + kHlcFieldBytes)));
  return body;
}

absl::StatusOr<Entry> Journal::Log(const LogInput& input) {
  ASSIGN_OR_RETURN(v1::RecordBody body, BuildCreate(input));
  absl::MutexLock lock(write_mu_);
  body.set_hlc(clock_.Now());
  return AppendOne(std::move(body));
}

absl::StatusOr<Entry> Journal::Edit(const EditInput& input) {
  if (input.field_text.empty() && input.unset_fields.empty() && !input.at_us && !input.tags &&
      (input.fields_json.is_null() || input.fields_json.empty())) {
    return absl::InvalidArgumentError(
        "nothing to change: give field values, fields to unset, a time or tags");
  }
  absl::MutexLock lock(write_mu_);
  ASSIGN_OR_RETURN(Entry current, Get(input.id));
  if (current.deleted) {
    return absl::FailedPreconditionError("entry " + current.id.substr(0, 8) +
                                         " is deleted; `haven restore` it first");
  }
  ASSIGN_OR_RETURN(v1::RecordBody body, BuildEdit(input, current));
  if (IsEmptyChange(body)) return current;  // the entry already reads this way
  // After the entry's newest change (docs/design.md, "Clock drift").
  ASSIGN_OR_RETURN(v1::EntryState held, view_.LoadState(current.id));
  body.set_hlc(clock_.NowAfter(held.updated_hlc()));
  return AppendOne(std::move(body));
}

absl::StatusOr<v1::RecordBody> Journal::BuildEdit(const EditInput& input,
                                                  const Entry& current) const {
  auto type = types_->Find(current.type);
  if (!type) {
    return absl::InvalidArgumentError("exercise type \"" + current.type +
                                      "\" is not installed on this device; cannot check edits");
  }
  nlohmann::json base = current.fields;
  for (const auto& name : input.unset_fields) {
    if (!type->FindField(name)) {
      return FieldError(absl::StatusCode::kInvalidArgument, name,
                        "field \"" + name + "\": not a field of " + type->id);
    }
    base.erase(name);
  }
  ASSIGN_OR_RETURN(nlohmann::json fields,
                   BuildFields(*type, base, input.field_text, input.fields_json));

  v1::RecordBody body;
  body.set_kind(v1::RecordBody::EDIT);
  body.set_entry_id(current.id);
  body.set_type_version(type->version);
  for (const auto& [name, value] : fields.items()) {
    if (!current.fields.contains(name) || current.fields[name] != value) {
      (*body.mutable_set_fields())[name] = value.dump();
    }
  }
  for (const auto& [name, value] : current.fields.items()) {
    if (!fields.contains(name)) body.add_unset_fields(name);
  }
  if (input.at_us && WholeSeconds(*input.at_us) != current.at_us) {
    body.set_has_at(true);
    body.set_at_us(WholeSeconds(*input.at_us));
  }
  if (input.tags) {
    ASSIGN_OR_RETURN(std::vector<std::string> tags, NormalizeTags(*input.tags));
    if (tags != current.tags) {
      body.set_has_tags(true);
      for (const auto& t : tags) body.add_tags(t);
    }
  }
  if (IsEmptyChange(body)) return body;
  ASSIGN_OR_RETURN(nlohmann::json derived, types_->Derive(*type, fields));
  body.set_derived_json(derived.dump());
  return body;
}

absl::Status Journal::PublishLocalTypes(const std::string& home_plugins) {
  std::string prefix = home_plugins + "/";
  std::vector<v1::RecordBody> bodies;
  absl::MutexLock lock(write_mu_);
  for (const auto& type : types_->List()) {
    if (type->native || type->source.rfind(prefix, 0) != 0) continue;
    nlohmann::json definition = types_->ToJson(*type);
    definition.erase("source");
    nlohmann::json manifest = {{"haven_plugin", 1}, {"types", {definition}}};
    std::string value = nlohmann::json(manifest.dump()).dump();  // a JSON string
    std::string entry_id = std::string(kTypeEntryPrefix) + type->id;
    ASSIGN_OR_RETURN(v1::EntryState state, view_.LoadState(entry_id));
    auto held = state.fields().find("manifest");
    if (held != state.fields().end() && held->second.value_json() == value) continue;
    v1::RecordBody body;
    body.set_kind(v1::RecordBody::DEFINE_TYPES);
    body.set_entry_id(entry_id);
    (*body.mutable_set_fields())["manifest"] = value;
    body.set_hlc(clock_.NowAfter(state.updated_hlc()));
    bodies.push_back(std::move(body));
  }
  if (bodies.empty()) return absl::OkStatus();
  return AppendLocal(std::move(bodies));
}

v1::RecordBody Journal::BuildTombstone(v1::RecordBody::Kind kind, const Entry& current) const {
  v1::RecordBody body;
  body.set_kind(kind);
  body.set_entry_id(current.id);
  auto seen = SeenVector();
  body.mutable_seen()->insert(seen.begin(), seen.end());
  return body;
}

absl::StatusOr<Entry> Journal::Remove(std::string_view id) {
  absl::MutexLock lock(write_mu_);
  ASSIGN_OR_RETURN(Entry current, Get(id));
  if (current.deleted) return current;
  v1::RecordBody body = BuildTombstone(v1::RecordBody::DELETE, current);
  ASSIGN_OR_RETURN(v1::EntryState held, view_.LoadState(current.id));
  body.set_hlc(clock_.NowAfter(held.updated_hlc()));
  return AppendOne(std::move(body));
}

absl::StatusOr<Entry> Journal::Restore(std::string_view id) {
  absl::MutexLock lock(write_mu_);
  ASSIGN_OR_RETURN(Entry current, Get(id));
  if (!current.deleted) return current;
  v1::RecordBody body = BuildTombstone(v1::RecordBody::RESTORE, current);
  ASSIGN_OR_RETURN(v1::EntryState held, view_.LoadState(current.id));
  body.set_hlc(clock_.NowAfter(held.updated_hlc()));
  return AppendOne(std::move(body));
}

}  // namespace haven
