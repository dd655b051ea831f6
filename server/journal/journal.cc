#include "server/journal/journal.h"

#include <algorithm>
#include <mutex>

#include "absl/status/status.h"
#include "server/crypto/ids.h"
#include "server/model/entry_json.h"
#include "server/journal/merge.h"
#include "common/json_bounded.h"
#include "server/util/log.h"
#include "server/util/parallel.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

IndexQuery QueryFor(const ListFilter& f) {
  return IndexQuery{f.type, f.since_us, f.until_us, f.include_deleted, f.oldest_first};
}

bool HasTags(const Entry& e, const std::vector<std::string>& tags) {
  for (const auto& t : tags) {
    if (std::find(e.tags.begin(), e.tags.end(), t) == e.tags.end()) return false;
  }
  return true;
}

}  // namespace

Journal::Journal(Store* store, RecordLog* log, TypeRegistry* types, VaultIdentity identity,
                 std::unique_ptr<VaultKeys> keys)
    : store_(store),
      log_(log),
      types_(types),
      identity_(std::move(identity)),
      keys_(std::move(keys)) {}

absl::StatusOr<std::unique_ptr<Journal>> Journal::Open(Store* store, RecordLog* log,
                                                       TypeRegistry* types, VaultIdentity identity,
                                                       std::unique_ptr<VaultKeys> keys) {
  std::unique_ptr<Journal> journal(
      new Journal(store, log, types, std::move(identity), std::move(keys)));
  RETURN_IF_ERROR(journal->UpgradeView());
  RETURN_IF_ERROR(journal->LoadIndex());
  RETURN_IF_ERROR(journal->CatchUp());
  return journal;
}

std::string ViewRowAd(std::string_view row_key) {
  std::string ad(kViewAdPrefix);
  ad.append(row_key);
  return ad;
}

absl::Status Journal::UpgradeView() {
  ASSIGN_OR_RETURN(auto format, store_->Get(Family::kMeta, kViewFormatKey));
  if (format && *format == kViewFormat) return absl::OkStatus();
  // The view is a function of the records: dropping it loses nothing, and
  // the one write below leaves either the old view or an empty one at
  // kViewFormat that CatchUp fills from the records (resuming after a crash
  // from the applied markers it writes as it goes).
  rocksdb::WriteBatch batch;
  size_t rows = 0;
  auto view = store_->NewIterator(Family::kView);
  for (view->SeekToFirst(); view->Valid(); view->Next(), ++rows) {
    batch.Delete(store_->handle(Family::kView), view->key());
  }
  RETURN_IF_ERROR(FromRocks(view->status()));
  auto meta = store_->NewIterator(Family::kMeta);
  for (meta->Seek(std::string(kAppliedPrefix)); meta->Valid(); meta->Next()) {
    if (!meta->key().starts_with(rocksdb::Slice(kAppliedPrefix.data(), kAppliedPrefix.size()))) {
      break;
    }
    batch.Delete(store_->handle(Family::kMeta), meta->key());
  }
  RETURN_IF_ERROR(FromRocks(meta->status()));
  batch.Put(store_->handle(Family::kMeta), std::string(kViewFormatKey), std::string(kViewFormat));
  RETURN_IF_ERROR(store_->Write(&batch, /*sync=*/true));
  if (rows > 0) {
    haven::Log(LogLevel::kInfo, "rebuilding the view from the records",
               {{"rows", std::to_string(rows)}, {"from_format", format ? *format : "1"}});
  }
  return absl::OkStatus();
}

absl::Status Journal::OpenViewRow(std::string_view row_key, std::string_view sealed,
                                  std::string* plain, v1::EntryState* state, RowCheck check) const {
  // The associated data on the stack: a scan at unlock opens every row.
  char ad_buffer[64];
  std::string heap_ad;
  std::string_view ad;
  if (kViewAdPrefix.size() + row_key.size() <= sizeof ad_buffer) {
    std::copy(kViewAdPrefix.begin(), kViewAdPrefix.end(), ad_buffer);
    std::copy(row_key.begin(), row_key.end(), ad_buffer + kViewAdPrefix.size());
    ad = std::string_view(ad_buffer, kViewAdPrefix.size() + row_key.size());
  } else {
    heap_ad = ViewRowAd(row_key);
    ad = heap_ad;
  }
  if (!OpenBlobInto(keys_->view_key(), sealed, ad, plain).ok()) {
    return absl::DataLossError("a view row does not open under its key (moved or damaged)");
  }
  if (!state->ParseFromString(*plain)) return absl::DataLossError("a view row is corrupt");
  if (check == RowCheck::kEntryIdHashesToKey && keys_->ViewKeyFor(state->entry_id()) != row_key) {
    // No id in the message: errors can reach havend.log, and entry ids
    // (custom types' among them) stay inside ciphertext.
    return absl::DataLossError("a view row is under another entry's key");
  }
  return absl::OkStatus();
}

absl::Status Journal::LoadIndex() {
  auto meta = store_->NewIterator(Family::kMeta);
  for (meta->Seek(std::string(kAppliedPrefix)); meta->Valid(); meta->Next()) {
    std::string_view key(meta->key().data(), meta->key().size());
    if (key.substr(0, kAppliedPrefix.size()) != kAppliedPrefix) break;
    applied_[std::string(key.substr(kAppliedPrefix.size()))] =
        DecodeU64(std::string_view(meta->value().data(), meta->value().size()));
  }
  // Opening a million sealed rows is most of an unlock: do it on every core,
  // each thread gathering its own rows, and build the index from them in
  // sorted order at the end.
  const int workers = PassThreads();
  size_t skipped = 0;
  std::vector<EntryIndex::Batch> batches(workers);
  std::vector<uint64_t> newest(workers, 0);
  std::mutex mu;  // for the rare rows that are not entries
  std::vector<v1::EntryState> type_rows;
  auto visit = [&](int worker, const v1::EntryState& state) {
    newest[worker] = std::max(newest[worker], state.updated_hlc());
    const bool type_row = state.entry_id().rfind(kTypeEntryPrefix, 0) == 0;
    if (type_row || !state.has_create()) {
      std::lock_guard<std::mutex> lock(mu);
      if (type_row) {
        type_rows.push_back(state);
      } else {
        orphans_.insert(state.entry_id());
      }
    }
    if (!IsEntry(state)) return;
    batches[worker].Add(state.entry_id(), AtOf(state), state.type(), IsDeleted(state));
  };
  RETURN_IF_ERROR(ForEachViewRow(workers, visit, &skipped));
  if (skipped > 0) {
    // Never used: their entries stay out of the index until `haven doctor`
    // has the view rebuilt from the records.
    haven::Log(LogLevel::kError, "view rows that do not open under their key were skipped",
               {{"rows", std::to_string(skipped)}, {"fix", "run `haven doctor`"}});
  }
  for (uint64_t stamp : newest) clock_.Observe(stamp);
  index_.AddAll(std::move(batches));
  for (const auto& state : type_rows) AdoptVaultType(state);
  return absl::OkStatus();
}

void Journal::AdoptVaultType(const v1::EntryState& state) {
  if (state.entry_id().rfind(kTypeEntryPrefix, 0) != 0) return;
  auto it = state.fields().find("manifest");
  if (it == state.fields().end() || it->second.value_json().empty()) return;
  auto manifest = ParseJsonBounded(it->second.value_json(), kRecordJsonLimits, "manifest");
  if (!manifest.ok() || !manifest->is_string()) return;
  absl::Status s = types_->AddVaultManifest(manifest->get<std::string>(),
                                            "vault:" + HexEncode(it->second.device()));
  if (!s.ok()) {
    // The type's name and the parser's reason (which quotes names) are
    // vault content: the log, plaintext on disk, says only whose it was.
    haven::Log(LogLevel::kWarn, "vault type skipped",
               {{"device", HexEncode(it->second.device()).substr(0, 8)},
                {"reason", "its manifest does not parse on this device (from a newer haven?)"}});
  }
}

void Journal::IndexState(const v1::EntryState& state) {
  if (!IsEntry(state)) return;
  index_.Upsert(state.entry_id(), AtOf(state), state.type(), IsDeleted(state));
}

absl::StatusOr<v1::EntryState> Journal::LoadState(std::string_view entry_id) const {
  const std::string key = keys_->ViewKeyFor(entry_id);
  ASSIGN_OR_RETURN(auto sealed, store_->Get(Family::kView, key));
  v1::EntryState state;
  if (!sealed) return state;
  std::string plain;
  absl::Status opened = OpenViewRow(key, *sealed, &plain, &state, RowCheck::kSeal);
  // The key was hashed from `entry_id`: comparing the ids checks the same.
  if (!opened.ok() || state.entry_id() != entry_id) {
    return absl::DataLossError("an entry's view row is damaged: run `haven doctor`");
  }
  return state;
}

std::pair<std::string, std::string> Journal::SealView(const v1::EntryState& state) const {
  std::string key = keys_->ViewKeyFor(state.entry_id());
  std::string sealed = SealBlob(keys_->view_key(), state.SerializeAsString(), ViewRowAd(key));
  return {std::move(key), std::move(sealed)};
}

absl::StatusOr<Entry> Journal::EntryFromState(const v1::EntryState& state) const {
  if (!state.has_create()) return absl::NotFoundError("no entry with id " + state.entry_id());
  return StateToEntry(state);
}

absl::StatusOr<Entry> Journal::Get(std::string_view id_or_prefix) const {
  std::string id;
  {
    std::shared_lock lock(index_mu_);
    ASSIGN_OR_RETURN(id, index_.Resolve(id_or_prefix));
  }
  ASSIGN_OR_RETURN(v1::EntryState state, LoadState(id));
  return EntryFromState(state);
}

absl::StatusOr<std::vector<nlohmann::json>> Journal::History(std::string_view id_or_prefix) const {
  std::string id;
  {
    std::shared_lock lock(index_mu_);
    ASSIGN_OR_RETURN(id, index_.Resolve(id_or_prefix));
  }
  ASSIGN_OR_RETURN(v1::EntryState state, LoadState(id));
  std::vector<std::pair<uint64_t, nlohmann::json>> items;
  for (const auto& ref : state.records()) {
    ASSIGN_OR_RETURN(auto sealed, log_->Get(ref.device(), ref.seq()));
    if (!sealed) return absl::DataLossError("a record of this entry is missing from the log");
    ASSIGN_OR_RETURN(std::string plain, OpenRecord(keys_->record_key(), *sealed, nullptr));
    v1::RecordBody body;
    if (!body.ParseFromString(plain)) return absl::DataLossError("a record is corrupt");
    items.emplace_back(body.hlc(), HistoryItemToJson(body, ref.device(), ref.seq(),
                                                       HybridClock::ToMicros(body.hlc())));
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<nlohmann::json> out;
  for (auto& [hlc, item] : items) out.push_back(std::move(item));
  return out;
}

absl::Status Journal::Scan(const ListFilter& filter,
                           const std::function<bool(const Entry&)>& visit) const {
  // Collect ids under the lock, then decrypt without holding it.
  std::vector<std::string> ids;
  {
    std::shared_lock lock(index_mu_);
    index_.Visit(QueryFor(filter), [&](const IndexedEntry& e) {
      ids.push_back(e.id);
      return filter.tags.empty() && filter.limit != 0 ? ids.size() < filter.limit : true;
    });
  }
  size_t emitted = 0;
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(v1::EntryState state, LoadState(id));
    if (!state.has_create()) continue;
    Entry entry = StateToEntry(state);
    if (!HasTags(entry, filter.tags)) continue;
    if (!visit(entry)) break;
    if (filter.limit != 0 && ++emitted >= filter.limit) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Entry>> Journal::List(const ListFilter& filter, size_t* total) const {
  std::vector<Entry> out;
  if (total != nullptr && !filter.tags.empty()) {
    // Tags live inside sealed rows: count every match, keep the first `limit`.
    ListFilter all = filter;
    all.limit = 0;
    size_t n = 0;
    RETURN_IF_ERROR(Scan(all, [&](const Entry& e) {
      if (filter.limit == 0 || out.size() < filter.limit) out.push_back(e);
      ++n;
      return true;
    }));
    *total = n;
    return out;
  }
  if (total != nullptr) {
    std::shared_lock lock(index_mu_);
    *total = index_.Count(QueryFor(filter));
  }
  RETURN_IF_ERROR(Scan(filter, [&](const Entry& e) {
    out.push_back(e);
    return true;
  }));
  return out;
}

size_t Journal::live_entries() const {
  std::shared_lock lock(index_mu_);
  return index_.live();
}

size_t Journal::deleted_entries() const {
  std::shared_lock lock(index_mu_);
  return index_.size() - index_.live();
}

absl::StatusOr<std::vector<std::string>> NormalizeTags(const std::vector<std::string>& tags) {
  std::vector<std::string> out;
  for (const auto& raw : tags) {
    std::string t = raw;
    while (!t.empty() && t.front() == ' ') t.erase(t.begin());
    while (!t.empty() && t.back() == ' ') t.pop_back();
    if (t.empty() || t.size() > 64 || t.find_first_of(" \t\r\n,") != std::string::npos) {
      return absl::InvalidArgumentError("tag \"" + raw +
                                        "\": tags are 1-64 characters without spaces or commas");
    }
    out.push_back(t);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace haven
