// Folding records into the sealed view, publishing what was folded once it
// is durable, and catching up with the record log.
#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "server/crypto/ids.h"
#include "server/journal/merge.h"
#include "server/journal/view.h"
#include "server/util/index_heap.h"
#include "server/util/log.h"
#include "server/util/parallel.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

constexpr size_t kCatchUpBatch = 2048;
// Below this many rows, starting threads costs more than sealing on one.
constexpr size_t kParallelRows = 64;

using ReadyRows = absl::flat_hash_map<std::string_view, std::pair<std::string, std::string>*>;

}  // namespace

void View::RefreshDerived(v1::EntryState* state) const {
  if (!state->has_create()) return;
  auto type = types_->Find(state->type());
  if (!type) return;  // keep what the writer's plugin derived
  Entry entry = StateToEntry(*state);
  auto derived = types_->Derive(*type, entry.fields);
  if (!derived.ok()) return;  // merged fields a plugin rejects keep their last derivation
  state->set_derived_json(derived->dump());
}

absl::Status View::Apply(const std::vector<FoldItem>& items, PendingStates* pending,
                         std::vector<std::string>* touched, ReadyRows* ready) {
  absl::flat_hash_set<std::string> refresh;
  for (const FoldItem& item : items) {
    if (item.body == nullptr) continue;  // a membership record: applied, folds nothing
    const v1::RecordBody& body = *item.body;
    // Our own records' stamps came from this clock (or ordered after a
    // record the clock refused); only others' can move it.
    if (!item.local) clock_->Observe(body.hlc(), item.header->device_id);
    auto it = pending->find(body.entry_id());
    // A second record for an entry whose row came ready-made with its
    // CREATE means sealing it here after all.
    if (it != pending->end() && !ready->empty()) ready->erase(body.entry_id());
    if (it == pending->end()) {
      v1::EntryState state;
      bool fresh = body.kind() == v1::RecordBody::CREATE && !Known(body.entry_id());
      if (fresh && item.created != nullptr) {
        pending->emplace(body.entry_id(), std::move(item.created->state));
        touched->push_back(body.entry_id());
        ready->emplace(body.entry_id(), &item.created->row);
        continue;
      }
      if (!fresh) {
        ASSIGN_OR_RETURN(state, LoadState(body.entry_id()));
      }
      it = pending->emplace(body.entry_id(), std::move(state)).first;
      touched->push_back(body.entry_id());
    }
    ApplyRecord(&it->second, body, item.header->device_id, item.header->seq);
    // A record from elsewhere merged into an entry with other records may
    // leave fields no single writer derived from.
    if (!item.local && it->second.records_size() > 1) refresh.insert(body.entry_id());
  }
  for (const auto& id : refresh) RefreshDerived(&pending->at(id));
  return absl::OkStatus();
}

void View::SealInto(const std::vector<v1::EntryState*>& states, ReadyRows* ready,
                    WriteBatch* batch) const {
  // Sealing the rows is most of a big fold's work, and each row is sealed
  // on its own: a large batch (import, sync) seals on up to PassThreads()
  // threads (at most four).
  std::vector<std::pair<std::string, std::string>> rows(states.size());
  std::vector<size_t> to_seal;
  to_seal.reserve(states.size());
  for (size_t i = 0; i < states.size(); ++i) {
    auto found = ready->empty() ? ready->end() : ready->find(states[i]->entry_id());
    if (found != ready->end()) {
      rows[i] = std::move(*found->second);
    } else {
      to_seal.push_back(i);
    }
  }
  const int threads = to_seal.size() >= kParallelRows ? PassThreads() : 1;
  // Sealing cannot fail: the status is always ok.
  (void)RunOnThreads(threads, [&](int worker) {
    for (size_t k = worker; k < to_seal.size(); k += threads) {
      rows[to_seal[k]] = SealRow(*states[to_seal[k]]);
    }
    return absl::OkStatus();
  });
  for (const auto& [key, value] : rows) batch->Put(Family::kView, key, value);
}

absl::Status View::Fold(const std::vector<FoldItem>& items, WriteBatch* batch,
                        PendingStates* pending) {
  std::vector<std::string> touched;  // in first-seen order
  ReadyRows ready;                   // keys view into the items' bodies
  pending->reserve(pending->size() + items.size());
  RETURN_IF_ERROR(Apply(items, pending, &touched, &ready));
  std::vector<v1::EntryState*> states;
  states.reserve(touched.size());
  for (const auto& id : touched) states.push_back(&pending->at(id));
  SealInto(states, &ready, batch);
  VersionVector applied;
  for (const FoldItem& item : items) {
    uint64_t& high = applied[item.header->device_id];
    high = std::max(high, item.header->seq);
  }
  for (const auto& [device, seq] : applied) StageApplied(batch, device, seq);
  batch->Delete(Family::kMeta, kSnapshotTokenKey);  // the view moves
  return absl::OkStatus();
}

bool View::Known(const std::string& entry_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return index_.entries().Contains(entry_id) || orphans_.contains(entry_id);
}

void View::StageApplied(WriteBatch* batch, std::string_view device, uint64_t seq) const {
  std::string key(kAppliedPrefix);
  key.append(device);
  batch->Put(Family::kMeta, key, EncodeU64(seq));
}

void View::Publish(const std::vector<FoldItem>& items, const PendingStates& pending) {
  {
    absl::MutexLock lock(&mu_);
    for (const FoldItem& item : items) {
      uint64_t& done = applied_[item.header->device_id];
      done = std::max(done, item.header->seq);
    }
    for (const auto& [id, state] : pending) {
      if (state.has_create()) {
        orphans_.erase(id);
      } else if (id.rfind(kTypeEntryPrefix, 0) != 0) {
        orphans_.insert(id);
      }
      if (id.rfind(kTypeEntryPrefix, 0) == 0) type_rows_.insert(id);
      newest_ = std::max(newest_, state.updated_hlc());
    }
    // One scope for the batch (each Upsert would open its own); the sets
    // above stay out of the index heap, which only the index may use.
    IndexHeapScope heap;
    for (const auto& [id, state] : pending) IndexState(state);
  }
  // Only now that the batch defining them is durable: a type adopted from
  // a batch that failed would name a definition the vault does not hold.
  for (const auto& [id, state] : pending) AdoptVaultType(state);
}

absl::Status View::CatchUpBatch(const RecordLog& log, const std::string& device, uint64_t from,
                                bool* more) {
  ASSIGN_OR_RETURN(auto sealed, log.Read(device, from, kCatchUpBatch, 16 << 20));
  *more = !sealed.empty();
  if (sealed.empty()) return absl::OkStatus();
  std::vector<RecordHeader> headers(sealed.size());
  std::vector<v1::RecordBody> bodies(sealed.size());
  std::vector<FoldItem> items;
  for (size_t i = 0; i < sealed.size(); ++i) {
    auto plain = OpenRecordAnyEpoch(*keys_, sealed[i], &headers[i]);
    if (plain.status().code() == absl::StatusCode::kNotFound) continue;  // membership
    if (plain.ok() && admit_ && !admit_(headers[i])) continue;           // beyond a cut
    if (!plain.ok() || !bodies[i].ParseFromString(*plain) || bodies[i].entry_id().empty() ||
        !CheckRecordJson(bodies[i]).ok()) {
      // A forged record stored while the vault was locked, or one whose
      // JSON is too deep or large to show: skip it, keep every good
      // record; `haven doctor` names it.
      haven::Log(LogLevel::kError, "record does not open or cannot be shown; skipped",
                 {{"device", HexEncode(device).substr(0, 8)}, {"seq", std::to_string(from + i)}});
      continue;
    }
    items.push_back({&headers[i], &bodies[i]});
  }
  WriteBatch batch = store_->NewBatch();
  PendingStates pending;
  RETURN_IF_ERROR(Fold(items, &batch, &pending));
  const uint64_t last = from + sealed.size() - 1;  // skipped records count as applied
  StageApplied(&batch, device, last);
  RETURN_IF_ERROR(store_->Write(&batch, /*sync=*/false));
  Publish(items, pending);
  absl::MutexLock lock(&mu_);
  applied_[device] = last;
  return absl::OkStatus();
}

absl::StatusOr<v1::EntryState> View::RefoldOne(const RecordLog& log,
                                               const std::string& entry_id) const {
  ASSIGN_OR_RETURN(v1::EntryState old, LoadState(entry_id));
  v1::EntryState fresh;
  for (const v1::RecordRef& ref : old.records()) {
    ASSIGN_OR_RETURN(auto sealed, log.Get(ref.device(), ref.seq()));
    if (!sealed) continue;
    RecordHeader header;
    auto plain = OpenRecordAnyEpoch(*keys_, *sealed, &header);
    if (!plain.ok() || (admit_ && !admit_(header))) continue;
    v1::RecordBody body;
    if (!body.ParseFromString(*plain)) continue;
    ApplyRecord(&fresh, body, ref.device(), ref.seq());
  }
  fresh.set_entry_id(entry_id);
  RefreshDerived(&fresh);
  return fresh;
}

absl::Status View::Refold(const RecordLog& log, const std::set<std::string>& entry_ids) {
  WriteBatch batch = store_->NewBatch();
  PendingStates states;
  for (const std::string& id : entry_ids) {
    ASSIGN_OR_RETURN(v1::EntryState state, RefoldOne(log, id));
    if (state.records_size() == 0) {
      batch.Delete(Family::kView, keys_->ViewKeyFor(id));
    } else {
      auto [key, row] = SealRow(state);
      batch.Put(Family::kView, key, row);
    }
    states.emplace(id, std::move(state));
  }
  batch.Delete(Family::kMeta, kSnapshotTokenKey);  // the view moves
  RETURN_IF_ERROR(store_->Write(&batch, /*sync=*/true));
  absl::MutexLock lock(&mu_);
  for (const auto& [id, state] : states) {
    if (state.has_create()) {
      orphans_.erase(id);
      IndexState(state);
    } else {
      index_.Remove(id);
      if (state.records_size() > 0) orphans_.insert(id);
    }
  }
  return absl::OkStatus();
}

absl::Status View::CatchUp(const RecordLog& log) {
  for (const auto& [device, head] : log.Heads()) {
    bool more = true;
    for (uint64_t done = AppliedFor(device); more && done < head; done = AppliedFor(device)) {
      RETURN_IF_ERROR(CatchUpBatch(log, device, done + 1, &more));
    }
  }
  return absl::OkStatus();
}

}  // namespace haven
