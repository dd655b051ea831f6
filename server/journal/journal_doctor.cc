// `haven doctor`: the consistency check of the record log and the sealed
// view. The view is a function of the records (docs/design.md, "Merge"), so
// the check recomputes from the log which records each entry is made of and
// compares every view row with that. A row's seal binds it to its key, which
// catches a row moved under another entry; a row rolled back to an older
// version of itself opens fine, and only this comparison finds it.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "server/crypto/ids.h"
#include "server/journal/journal.h"
#include "server/journal/merge.h"
#include "server/journal/provenance.h"

namespace haven {
namespace {

// The records an entry is made of, order-free: how many and the sum of
// their hashes. Records are only ever added to an entry, so an older
// version of its row lists fewer.
struct RecordSet {
  uint64_t count = 0;
  uint64_t sum = 0;
  bool operator==(const RecordSet&) const = default;
};

std::string RefKey(std::string_view device, uint64_t seq) {
  std::string key(device);
  key.append(EncodeU64(seq));
  return key;
}

void AddRef(RecordSet* set, const std::string& ref_key) {
  ++set->count;
  set->sum += std::hash<std::string>{}(ref_key);
}

struct LogFacts {
  absl::flat_hash_map<std::string, RecordSet> entries;  // by entry id
  absl::flat_hash_set<std::string> bad_refs;            // RefKey of records not folded
};

bool IsMembershipRecord(const RecordLog& log, std::string_view device, uint64_t seq) {
  auto sealed = log.Get(device, seq);
  if (!sealed.ok() || !sealed->has_value()) return false;
  auto header = ParseRecordHeader(**sealed);
  return header.ok() && header->membership();
}

// Checks one stored record; returns its body when it is one the view folds
// (nothing, without a problem, for a membership record).
std::optional<v1::RecordBody> CheckRecord(const RecordLog& log, const VaultKeys& keys,
                                          const VaultIdentity& identity, std::string_view device,
                                          uint64_t seq, std::vector<std::string>* problems,
                                          RecordHeader* header_out) {
  const std::string where =
      "device " + HexEncode(device).substr(0, 8) + ": record " + std::to_string(seq);
  auto sealed = log.Get(device, seq);
  if (!sealed.ok() || !sealed->has_value()) {
    problems->push_back(where + " is missing (gap in the sequence)");
    return std::nullopt;
  }
  RecordHeader header;
  auto plain = OpenRecordAnyEpoch(keys, **sealed, &header);
  if (plain.status().code() == absl::StatusCode::kNotFound) return std::nullopt;  // membership
  if (!plain.ok()) {
    problems->push_back(where + " does not open: " + std::string(plain.status().message()));
    return std::nullopt;
  }
  if (header.seq != seq || header.device_id != device || header.vault_id != identity.vault_id) {
    problems->push_back(where + " carries the wrong header");
    return std::nullopt;
  }
  v1::RecordBody body;
  if (!body.ParseFromString(*plain) || body.entry_id().empty()) {
    problems->push_back(where + " holds no entry");
    return std::nullopt;
  }
  if (absl::Status json = CheckRecordJson(body); !json.ok()) {
    problems->push_back(where + " was not applied: " + std::string(json.message()));
    return std::nullopt;
  }
  *header_out = std::move(header);
  return body;
}

// Each device's records must form its hash chain, and its last format-2
// record must carry a valid signature by its enrolled key (which vouches for
// the chain before it; docs/design.md, "Devices and key epochs").
void CheckChain(const RecordLog& log, const Membership& members, const std::string& device,
                uint64_t head, std::vector<std::string>* problems) {
  const std::string who = "device " + HexEncode(device).substr(0, 8);
  std::string prev(kChainHashBytes, '\0');
  std::optional<std::string> last_signed;
  for (uint64_t seq = 1; seq <= head; ++seq) {
    auto sealed = log.Get(device, seq);
    if (!sealed.ok() || !sealed->has_value()) return;  // reported as missing
    auto header = ParseRecordHeader(**sealed);
    if (!header.ok()) return;
    if (!header->legacy()) {
      if (header->prev_hash != prev) {
        problems->push_back(who + ": record " + std::to_string(seq) +
                            " does not follow the record before it (broken chain)");
        return;
      }
      last_signed = **sealed;
    }
    prev = RecordChainHash(**sealed);
    if (!OnRevokedChain(members, *header, prev)) {
      problems->push_back(who + ": record " + std::to_string(seq) +
                          " is not the one its revocation names (a forked chain)");
    }
  }
  const std::string key = members.SigningKey(device);
  if (last_signed && !key.empty() && !RecordSignatureValid(*last_signed, key)) {
    problems->push_back(who + ": its last record is not signed by its device key");
  }
}

// The records pass: opens every record of every device, notes which
// records each entry is made of, and reports a device whose records the
// view has not all applied.
LogFacts CheckLog(const RecordLog& log, const VaultKeys& keys, const Membership& members,
                  const VaultIdentity& identity, const VersionVector& applied, DriftTally* ahead,
                  size_t* records, std::vector<std::string>* problems) {
  LogFacts facts;
  for (const auto& [device, head] : log.Heads()) {
    CheckChain(log, members, device, head, problems);
    for (uint64_t seq = 1; seq <= head; ++seq) {
      ++*records;
      RecordHeader header;
      auto body = CheckRecord(log, keys, identity, device, seq, problems, &header);
      if (!body) {
        if (IsMembershipRecord(log, device, seq)) continue;
        facts.bad_refs.insert(RefKey(device, seq));
        continue;
      }
      if (!AdmittedHere(members, identity.device_id, header)) continue;  // past a revoked cut
      AddRef(&facts.entries[body->entry_id()], RefKey(device, seq));
      ahead->Add(device, body->entry_id(), body->hlc());
    }
    auto done = applied.find(device);
    if (done == applied.end() || done->second != head) {
      problems->push_back("device " + HexEncode(device).substr(0, 8) +
                          ": view has not applied every record");
    }
  }
  return facts;
}

struct ViewFacts {
  size_t rows = 0;  // that open
  size_t live = 0;  // rows of entries not deleted
  bool damaged = false;
};

// The view pass: opens every row and compares the records it lists with
// the ones the log holds for its entry.
ViewFacts CheckView(const Store& store, const View& view, const LogFacts& facts,
                    std::vector<std::string>* problems) {
  ViewFacts out;
  auto view_problem = [&](std::string line) {
    problems->push_back("view: " + std::move(line));
    out.damaged = true;
  };
  absl::flat_hash_set<std::string> rows_seen;
  std::string plain;
  Cursor it = store.NewCursor(Family::kView);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    v1::EntryState state;
    absl::Status opened =
        view.OpenRow(it.key(), it.value(), &plain, &state, View::RowCheck::kEntryIdHashesToKey);
    if (!opened.ok()) {
      view_problem(std::string(opened.message()));
      continue;
    }
    ++out.rows;
    rows_seen.insert(state.entry_id());
    RecordSet row;
    for (const v1::RecordRef& ref : state.records()) {
      std::string key = RefKey(ref.device(), ref.seq());
      if (!facts.bad_refs.contains(key)) AddRef(&row, key);  // reported above
    }
    auto found = facts.entries.find(state.entry_id());
    const RecordSet want = found == facts.entries.end() ? RecordSet{} : found->second;
    if (row.count < want.count) {
      view_problem("the row of entry " + state.entry_id() + " is stale: it holds " +
                   std::to_string(row.count) + " of the entry's " + std::to_string(want.count) +
                   " records");
    } else if (!(row == want)) {
      view_problem("the row of entry " + state.entry_id() +
                   " lists records the log does not hold for it");
    }
    if (state.has_create() && !IsDeleted(state)) ++out.live;
  }
  for (const auto& [id, set] : facts.entries) {
    if (!rows_seen.contains(id)) view_problem("entry " + id + " has no readable view row");
  }
  return out;
}

}  // namespace

std::vector<std::string> Journal::Verify(size_t* records, size_t* entries,
                                         std::vector<std::string>* warnings) const {
  std::vector<std::string> problems;
  *records = 0;
  DriftTally ahead(clock_.PhysicalStamp());  // docs/design.md, "Clock drift"
  LogFacts facts =
      CheckLog(*log_, *keys_, members(), identity_, view_.applied(), &ahead, records, &problems);
  if (warnings != nullptr) *warnings = ahead.Lines();
  ViewFacts view = CheckView(*store_, view_, facts, &problems);
  *entries = view.rows;
  if (view.live != live_entries()) {
    problems.push_back("the view holds " + std::to_string(view.live) + " entries but the index " +
                       std::to_string(live_entries()));
  }
  if (view.damaged && view_.MarkForRebuild().ok()) {
    problems.push_back(
        "view: it does not match the records; it is rebuilt from them at the next unlock");
  }
  return problems;
}

}  // namespace haven
