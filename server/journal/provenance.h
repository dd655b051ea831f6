// Who wrote a pulled record (docs/design.md, "Devices and key epochs"):
// each device's records form a hash chain, and one signature at the end of
// a run vouches for the whole run, so checking a batch costs one BLAKE2b
// per record and one Ed25519 verification per device in it.
#ifndef HAVEN_SERVER_JOURNAL_PROVENANCE_H_
#define HAVEN_SERVER_JOURNAL_PROVENANCE_H_

#include <string>
#include <vector>

#include "server/crypto/sealed_record.h"
#include "server/membership/membership.h"
#include "server/store/record_log.h"

namespace haven {

// For records with good[i] set (their headers parsed), clears good[i] for
// each that `members` does not admit (Membership::Admits), that breaks its
// device's chain (its prev_hash is not the chain hash of the record before
// it, from this batch or from `log`), or that belongs to a run whose last
// format-2 record is not signed by its device's key; a record after a
// failed one of the same device fails too (sequences stay contiguous).
// Records at or below `log`'s head for their device are left alone: the
// log drops them as already held.
void CheckProvenance(const RecordLog& log, const Membership& members,
                     const std::vector<std::string>& sealed,
                     const std::vector<RecordHeader>& headers, std::vector<char>* good);

}  // namespace haven

#endif  // HAVEN_SERVER_JOURNAL_PROVENANCE_H_
