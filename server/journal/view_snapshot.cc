// The index snapshot (docs/design.md, "Index snapshot"): sealed when the
// journal is dropped, taken at the next unlock only when it describes the
// view as it is (its token in meta, the wrapped key and the applied
// markers unchanged); otherwise the index is built from the rows.
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "absl/status/status.h"
#include "server/crypto/ids.h"
#include "server/crypto/sealed_file.h"
#include "server/journal/vault_state.h"
#include "server/journal/view.h"
#include "server/util/byte_codec.h"
#include "server/util/index_heap.h"
#include "server/util/log.h"
#include "server/util/parallel.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

constexpr std::string_view kMagic = "haven-view-snapshot-v1";
constexpr std::string_view kAd = "haven-index-snapshot-v1";
constexpr size_t kTokenBytes = 16;
constexpr size_t kMaxSnapshotBytes = size_t{4} << 30;
// A stamp: the wrapped key's hash, the rows' digest, then the markers.
constexpr size_t kRowsDigestBytes = 5 * 8;
constexpr size_t kStampMarkersAt = crypto_generichash_BYTES + kRowsDigestBytes;

absl::Status Corrupt() { return absl::DataLossError("the snapshot does not decode"); }

void PutNames(std::string* out, const std::set<std::string>& names) {
  PutFixed<uint32_t>(out, static_cast<uint32_t>(names.size()));
  for (const auto& name : names) {
    PutFixed<uint16_t>(out, static_cast<uint16_t>(name.size()));
    out->append(name);
  }
}

absl::Status GetNames(std::string_view* in, std::vector<std::string>* names) {
  uint32_t count = 0;
  if (!GetFixed(in, &count) || count > in->size() / 2) return Corrupt();
  for (uint32_t i = 0; i < count; ++i) {
    uint16_t size = 0;
    std::string_view name;
    if (!GetFixed(in, &size) || !GetBytes(in, size, &name)) return Corrupt();
    names->emplace_back(name);
  }
  return absl::OkStatus();
}

// What the view rows on disk are, in 40 bytes: their count and the sum of
// a hash of each row's key and authentication tag (the tag stands for the
// sealed row). A row swapped, rolled back, damaged, added or removed by
// anyone but the journal (which deletes the token whenever it writes)
// changes it. Reads every row but opens none.
absl::StatusOr<std::string> RowsDigest(const Store& store) {
  constexpr size_t kTag = 16, kLanes = 4;
  const int workers = PassThreads();
  std::vector<std::array<uint64_t, kLanes + 1>> sums(workers);
  RETURN_IF_ERROR(store.ScanSplit(Family::kView, workers, [&](int worker, Cursor& it) {
    unsigned char hash[kLanes * 8];
    for (it.SeekToFirst(); it.Valid(); it.Next()) {
      const std::string_view value = it.value();
      const std::string_view tag = value.substr(value.size() - std::min(value.size(), kTag));
      crypto_generichash_state state;
      crypto_generichash_init(&state, nullptr, 0, sizeof hash);
      crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(it.key().data()),
                                it.key().size());
      crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(tag.data()),
                                tag.size());
      crypto_generichash_final(&state, hash, sizeof hash);
      for (size_t lane = 0; lane < kLanes; ++lane) {
        uint64_t word = 0;
        std::memcpy(&word, hash + 8 * lane, 8);
        sums[worker][lane] += word;
      }
      ++sums[worker][kLanes];
    }
    return absl::OkStatus();
  }));
  std::string digest;
  for (size_t lane = 0; lane <= kLanes; ++lane) {
    uint64_t total = 0;
    for (const auto& sum : sums) total += sum[lane];
    PutFixed<uint64_t>(&digest, total);
  }
  return digest;
}

// The applied markers, in key order.
std::string MarkersOf(const VersionVector& applied) {
  std::string out;
  for (const auto& [device, seq] : applied) {
    PutFixed<uint32_t>(&out, static_cast<uint32_t>(device.size()));
    out.append(device);
    PutFixed<uint64_t>(&out, seq);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> View::SnapshotStamp() const {
  // The wrapped key moves with every passphrase change and rekey; the rows
  // with any change of the view, the journal's or another's; the applied
  // markers with every write, pull and import.
  ASSIGN_OR_RETURN(auto wrapped, store_->Get(Family::kMeta, kMetaWrappedKey));
  const std::string_view key_bytes = wrapped ? std::string_view(*wrapped) : std::string_view();
  std::string stamp(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(stamp.data()), stamp.size(),
                     reinterpret_cast<const unsigned char*>(key_bytes.data()), key_bytes.size(),
                     nullptr, 0);
  ASSIGN_OR_RETURN(VersionVector applied, ReadApplied());
  ASSIGN_OR_RETURN(std::string rows, RowsDigest(*store_));
  return stamp + rows + MarkersOf(applied);
}

absl::Status View::SaveSnapshot() {
  if (snapshot_path_.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::string stamp, SnapshotStamp());
  const std::string token = RandomBytes(kTokenBytes);
  ASSIGN_OR_RETURN(bool sealed, SealSnapshot(stamp, token));
  if (!sealed) return absl::OkStatus();
  return store_->Put(Family::kMeta, kSnapshotTokenKey, token, /*sync=*/true);
}

absl::StatusOr<bool> View::SealSnapshot(const std::string& stamp, const std::string& token) {
  // The plaintext, about the index's size, and the sealed copy come and go
  // here, at lock, with the index: from its heap, handed back with it.
  IndexHeapScope heap;
  std::string plain(kMagic);
  plain.append(token);
  PutFixed<uint32_t>(&plain, static_cast<uint32_t>(stamp.size()));
  plain.append(stamp);
  {
    absl::MutexLock lock(&mu_);
    // Markers on disk beyond this index's: a later journal wrote.
    if (stamp.substr(kStampMarkersAt) != MarkersOf(applied_)) return false;
    PutFixed<uint64_t>(&plain, newest_);
    PutNames(&plain, orphans_);
    PutNames(&plain, type_rows_);
    std::string index = index_.Snapshot();
    plain.append(index);
    sodium_memzero(index.data(), index.size());
  }
  absl::Status wrote =
      WriteSealedFile(snapshot_path_, IndexSnapshotKey(keys_->vault_key()), kAd, plain);
  sodium_memzero(plain.data(), plain.size());
  RETURN_IF_ERROR(wrote);
  return true;
}

bool View::LoadSnapshot() {
  if (snapshot_path_.empty()) return false;
  auto plain =
      ReadSealedFile(snapshot_path_, IndexSnapshotKey(keys_->vault_key()), kAd, kMaxSnapshotBytes);
  if (plain.status().code() == absl::StatusCode::kNotFound) return false;
  auto token = store_->Get(Family::kMeta, kSnapshotTokenKey);
  // Used at most once: the file and its token go, whatever happens next.
  unlink(snapshot_path_.c_str());
  WriteBatch batch = store_->NewBatch();
  batch.Delete(Family::kMeta, kSnapshotTokenKey);
  absl::Status taken = store_->Write(&batch, /*sync=*/false);
  if (taken.ok() && !plain.ok()) taken = plain.status();
  if (taken.ok() && (!token.ok() || !*token)) taken = absl::FailedPreconditionError("no token");
  if (taken.ok()) {
    std::string_view rest = *plain;
    if (!rest.starts_with(kMagic) || rest.substr(kMagic.size(), kTokenBytes) != **token) {
      taken = absl::FailedPreconditionError("the view moved since");
    } else {
      rest.remove_prefix(kMagic.size() + kTokenBytes);
      taken = TakeSnapshot(rest);
    }
  }
  if (plain.ok()) sodium_memzero(plain->data(), plain->size());
  if (!taken.ok()) {
    haven::Log(LogLevel::kInfo, "index snapshot not used; building the index from the view",
               {{"reason", std::string(taken.message())}});
    return false;
  }
  loaded_from_snapshot_ = true;
  return true;
}

absl::Status View::TakeSnapshot(std::string_view plain) {
  uint32_t stamp_size = 0;
  std::string_view stamp;
  uint64_t newest = 0;
  if (!GetFixed(&plain, &stamp_size) || !GetBytes(&plain, stamp_size, &stamp) ||
      !GetFixed(&plain, &newest)) {
    return Corrupt();
  }
  ASSIGN_OR_RETURN(std::string now, SnapshotStamp());
  if (stamp != now) return absl::FailedPreconditionError("the view or the keys moved since");
  std::vector<std::string> orphans, type_rows;
  RETURN_IF_ERROR(GetNames(&plain, &orphans));
  RETURN_IF_ERROR(GetNames(&plain, &type_rows));
  {
    absl::MutexLock lock(&mu_);
    absl::Status restored = index_.Restore(plain);
    if (!restored.ok()) {
      index_.Clear();
      return restored;
    }
    orphans_.insert(orphans.begin(), orphans.end());
    type_rows_.insert(type_rows.begin(), type_rows.end());
    newest_ = newest;
  }
  clock_->Observe(newest);
  for (const auto& id : type_rows) {
    auto state = LoadState(id);
    if (state.ok()) AdoptVaultType(*state);
  }
  return absl::OkStatus();
}

}  // namespace haven
