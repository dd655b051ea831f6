// Who wrote a pulled record (docs/design.md, "Devices and key epochs"):
// each device's records form a hash chain, and one signature at the end of
// a run vouches for the whole run, so checking a batch costs one BLAKE2b
// per record and one Ed25519 verification per device in it.
#ifndef HAVEN_SERVER_JOURNAL_PROVENANCE_H_
#define HAVEN_SERVER_JOURNAL_PROVENANCE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/crypto/sealed_record.h"
#include "server/membership/membership.h"
#include "server/store/record_log.h"

namespace haven {

// Per device, the last record that passed in earlier batches of the same
// pull (its sequence and chain hash): a batch is checked while the one
// before it is still being stored, so the log does not hold it yet.
using CarriedChains = std::map<std::string, std::pair<uint64_t, std::string>>;

// For records with good[i] set (their headers parsed), clears good[i] for
// each that `members` does not admit (Membership::Admits), that breaks its
// device's chain (its prev_hash is not the chain hash of the record before
// it: from this batch, from `carried`, or from `log`), or that no valid
// signature vouches for: the run's last format-2 record is verified and,
// when it fails, the records before it one by one from the end, so a
// forged or damaged record costs only itself and what follows it. A
// record after a failed one of the same device fails too (sequences stay
// contiguous). Records already held (at or below `log`'s head or
// `carried`) are left alone: the log drops them; so is a second copy of a
// sequence in the batch when the first passed (it fails with the first).
// `carried` (optional) is updated with each device's last record that
// passed. `ignored` (optional, as long as `sealed`) marks the failed
// records that are no fault of the sender: a revoked device's records
// beyond its cut, which a hub may hold from before it learned of the
// revoke, and those of a device that is not enrolled (yet, or again after
// a rotation voided its enrolment); they are neither stored nor an error.
// A revoked device's record at its cut must have the chain hash its
// Revoke names, so its records up to the cut are the ones the revoker
// held (OnRevokedChain).
// False only for a revoked device's record at its cut whose chain hash is
// not the one its Revoke names.
bool OnRevokedChain(const Membership& members, const RecordHeader& header,
                    std::string_view chain_hash);

// Whether this device's view takes a stored record: what the membership
// admits, and this device's own records from before it enrolled.
bool AdmittedHere(const Membership& members, const std::string& own_device,
                  const RecordHeader& header);

void CheckProvenance(const RecordLog& log, const Membership& members,
                     const std::vector<std::string>& sealed,
                     const std::vector<RecordHeader>& headers, std::vector<char>* good,
                     CarriedChains* carried = nullptr, std::vector<char>* ignored = nullptr);

}  // namespace haven

#endif  // HAVEN_SERVER_JOURNAL_PROVENANCE_H_
