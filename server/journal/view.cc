// The view's rows, markers and index: opening, loading and upgrading.
#include "server/journal/view.h"

#include <algorithm>

#include "absl/status/status.h"
#include "common/json_bounded.h"
#include "server/crypto/ids.h"
#include "server/journal/merge.h"
#include "server/journal/search_doc.h"
#include "server/util/log.h"
#include "server/util/parallel.h"
#include "server/util/status_macros.h"

namespace haven {

std::string ViewRowAd(std::string_view row_key) {
  std::string ad(kViewAdPrefix);
  ad.append(row_key);
  return ad;
}

absl::Status View::Upgrade() {
  ASSIGN_OR_RETURN(auto format, store_->Get(Family::kMeta, kViewFormatKey));
  if (format && *format == kViewFormat) return absl::OkStatus();
  // The view is a function of the records: dropping it loses nothing, and
  // the one write below leaves either the old view or an empty one at
  // kViewFormat that CatchUp fills from the records (resuming after a crash
  // from the applied markers it writes as it goes).
  WriteBatch batch = store_->NewBatch();
  size_t rows = 0;
  Cursor view = store_->NewCursor(Family::kView);
  for (view.SeekToFirst(); view.Valid(); view.Next(), ++rows)
    batch.Delete(Family::kView, view.key());
  RETURN_IF_ERROR(view.status());
  Cursor meta = store_->NewCursor(Family::kMeta);
  for (meta.Seek(kAppliedPrefix); meta.Valid() && meta.key().starts_with(kAppliedPrefix);
       meta.Next()) {
    batch.Delete(Family::kMeta, meta.key());
  }
  RETURN_IF_ERROR(meta.status());
  batch.Put(Family::kMeta, kViewFormatKey, kViewFormat);
  batch.Delete(Family::kMeta, kSnapshotTokenKey);
  RETURN_IF_ERROR(store_->Write(&batch, /*sync=*/true));
  if (rows > 0) {
    haven::Log(LogLevel::kInfo, "rebuilding the view from the records",
               {{"rows", std::to_string(rows)}, {"from_format", format ? *format : "1"}});
  }
  return absl::OkStatus();
}

absl::Status View::MarkForRebuild() const {
  WriteBatch batch = store_->NewBatch();
  batch.Put(Family::kMeta, kViewFormatKey, "rebuild");
  batch.Delete(Family::kMeta, kSnapshotTokenKey);
  return store_->Write(&batch, /*sync=*/true);
}

absl::Status View::OpenRow(std::string_view row_key, std::string_view sealed, std::string* plain,
                           v1::EntryState* state, RowCheck check) const {
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

absl::StatusOr<VersionVector> View::ReadApplied() const {
  VersionVector applied;
  Cursor meta = store_->NewCursor(Family::kMeta);
  for (meta.Seek(kAppliedPrefix); meta.Valid() && meta.key().starts_with(kAppliedPrefix);
       meta.Next()) {
    applied[std::string(meta.key().substr(kAppliedPrefix.size()))] = DecodeU64(meta.value());
  }
  RETURN_IF_ERROR(meta.status());
  return applied;
}

absl::Status View::LoadApplied() {
  ASSIGN_OR_RETURN(VersionVector applied, ReadApplied());
  absl::MutexLock lock(&mu_);
  applied_ = std::move(applied);
  return absl::OkStatus();
}

absl::Status View::Load() {
  RETURN_IF_ERROR(LoadApplied());
  if (LoadSnapshot()) return absl::OkStatus();
  // Opening a million sealed rows is most of an unlock: do it on up to
  // PassThreads() threads (at most four), each gathering its own rows, and
  // build the index from them in sorted order at the end.
  const int workers = PassThreads();
  size_t skipped = 0;
  std::vector<ViewIndex::Batch> batches(workers);
  std::vector<SearchDocReader> readers(workers);
  std::vector<uint64_t> newest(workers, 0);
  absl::Mutex rare_mu;  // for the rare rows that are not entries
  std::vector<v1::EntryState> type_rows;
  std::vector<std::string> orphans;
  auto visit = [&](int worker, const v1::EntryState& state) {
    newest[worker] = std::max(newest[worker], state.updated_hlc());
    const bool type_row = state.entry_id().rfind(kTypeEntryPrefix, 0) == 0;
    if (type_row || !state.has_create()) {
      absl::MutexLock lock(&rare_mu);
      if (type_row) {
        type_rows.push_back(state);
      } else {
        orphans.push_back(state.entry_id());
      }
    }
    if (!IsEntry(state)) return;
    batches[worker].Add(state.entry_id(), AtOf(state), state.type(), IsDeleted(state),
                        readers[worker].Read(state));
  };
  RETURN_IF_ERROR(ForEachRow(workers, visit, &skipped));
  if (skipped > 0) {
    // Never used: their entries stay out of the index until `haven doctor`
    // has the view rebuilt from the records.
    haven::Log(LogLevel::kError, "view rows that do not open under their key were skipped",
               {{"rows", std::to_string(skipped)}, {"fix", "run `haven doctor`"}});
  }
  for (uint64_t stamp : newest) clock_->Observe(stamp);
  {
    absl::MutexLock lock(&mu_);
    index_.AddAll(std::move(batches));
    orphans_.insert(orphans.begin(), orphans.end());
    for (uint64_t stamp : newest) newest_ = std::max(newest_, stamp);
    for (const auto& state : type_rows) type_rows_.insert(state.entry_id());
  }
  for (const auto& state : type_rows) AdoptVaultType(state);
  return absl::OkStatus();
}

void View::AdoptVaultType(const v1::EntryState& state) {
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

void View::IndexState(const v1::EntryState& state) {
  if (!IsEntry(state)) return;
  SearchDocReader reader;
  index_.Upsert(state.entry_id(), AtOf(state), state.type(), IsDeleted(state), reader.Read(state));
}

absl::StatusOr<v1::EntryState> View::LoadState(std::string_view entry_id) const {
  const std::string key = keys_->ViewKeyFor(entry_id);
  ASSIGN_OR_RETURN(auto sealed, store_->Get(Family::kView, key));
  v1::EntryState state;
  if (!sealed) return state;
  std::string plain;
  absl::Status opened = OpenRow(key, *sealed, &plain, &state, RowCheck::kSeal);
  // The key was hashed from `entry_id`: comparing the ids checks the same.
  if (!opened.ok() || state.entry_id() != entry_id) {
    return absl::DataLossError("an entry's view row is damaged: run `haven doctor`");
  }
  return state;
}

std::pair<std::string, std::string> View::SealRow(const v1::EntryState& state) const {
  std::string key = keys_->ViewKeyFor(state.entry_id());
  std::string sealed = SealBlob(keys_->view_key(), state.SerializeAsString(), ViewRowAd(key));
  return {std::move(key), std::move(sealed)};
}

absl::StatusOr<std::string> View::Resolve(std::string_view id_or_prefix) const {
  absl::ReaderMutexLock lock(&mu_);
  return index_.entries().Resolve(id_or_prefix);
}

bool View::Contains(std::string_view entry_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return index_.entries().Contains(entry_id);
}

size_t View::Count(const IndexQuery& query) const {
  absl::ReaderMutexLock lock(&mu_);
  return index_.entries().Count(query);
}

std::vector<std::string> View::Ids(const IndexQuery& query,
                                   const std::function<bool(size_t)>& more) const {
  std::vector<std::string> ids;
  absl::ReaderMutexLock lock(&mu_);
  index_.entries().Visit(query, [&](const IndexedEntry& e) {
    ids.push_back(e.id);
    return more(ids.size());
  });
  return ids;
}

void View::VisitIndex(const IndexQuery& query,
                      const std::function<bool(const IndexedEntry&)>& visit) const {
  absl::ReaderMutexLock lock(&mu_);
  index_.entries().Visit(query, visit);
}

std::vector<std::pair<std::string, size_t>> View::LiveByType() const {
  absl::ReaderMutexLock lock(&mu_);
  return index_.entries().LiveByType();
}

void View::DropIndexed(std::vector<v1::RecordBody>* bodies) const {
  absl::ReaderMutexLock lock(&mu_);
  size_t kept = 0;
  for (size_t i = 0; i < bodies->size(); ++i) {
    if (index_.entries().Contains((*bodies)[i].entry_id())) continue;
    if (kept != i) (*bodies)[kept] = std::move((*bodies)[i]);
    ++kept;
  }
  bodies->resize(kept);
}

std::vector<IndexMatch> View::Search(const std::vector<std::string>& required,
                                     const std::vector<std::string>& excluded,
                                     const SearchFilter& filter, size_t sorted) const {
  absl::ReaderMutexLock lock(&mu_);
  return index_.Search(required, excluded, filter, sorted);
}

std::pair<size_t, size_t> View::SearchIndexSize() const {
  absl::ReaderMutexLock lock(&mu_);
  return {index_.search_bytes(), index_.entries().size()};
}

size_t View::live_entries() const {
  absl::ReaderMutexLock lock(&mu_);
  return index_.entries().live();
}

size_t View::all_entries() const {
  absl::ReaderMutexLock lock(&mu_);
  return index_.entries().size();
}

VersionVector View::applied() const {
  absl::ReaderMutexLock lock(&mu_);
  return applied_;
}

uint64_t View::AppliedFor(const std::string& device) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = applied_.find(device);
  return it == applied_.end() ? 0 : it->second;
}

}  // namespace haven
