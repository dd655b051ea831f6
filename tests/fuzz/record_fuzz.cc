// Fuzz target for sealed records, the outside bytes a hub hands a device:
// ParseRecordHeader and OpenRecord (under a fixed test key), then the opened
// body through RecordBody parsing and the merge (ApplyRecord, StateToEntry,
// the entry and history JSON). The raw input is also tried directly as a
// RecordBody and as an EntryState, so the fuzzer can reach the merge without
// forging an AEAD tag.
//
// Checked properties, beyond "no crash": a record that opens has a valid
// header (format 1 or 2) and re-seals, in its own format, to the same body
// and header; the header parser and the opener agree on framing errors; a
// membership record (format 2, the membership epoch) never opens and its
// clear body is exactly what lies between header and signature; the chain
// hash ignores a format-2 record's signature; a format-1 record is never
// signature-valid; applying a record twice changes nothing.
//
// Built with -fsanitize=fuzzer it is a libFuzzer target; otherwise it links
// tests/fuzz/fuzz_replay_main.cc and replays files named on the command
// line. With HAVEN_RECORD_FUZZ_SEEDS it is instead the seed generator:
// `record_fuzz_seeds DIR` writes the corpus in tests/fuzz/corpus/record/.
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/message_differencer.h>
#include <sodium.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "haven/v1/record.pb.h"
#include "server/crypto/sealed_record.h"
#include "server/journal/hlc.h"
#include "server/journal/merge.h"
#include "server/model/entry_json.h"

namespace {

using haven::v1::EntryState;
using haven::v1::RecordBody;

// The fixed record key of the fuzz corpus (never a real vault's).
constexpr std::string_view kTestKey = "haven-record-fuzz-test-key-32byt";
static_assert(kTestKey.size() == 32);
const std::string kVaultId(16, '\x11');
const std::string kDeviceA(16, '\xa0');
const std::string kDeviceB(16, '\xb0');

// The fixed device signing key of the corpus: the Ed25519 key pair of a
// 32-byte seed (never a real device's).
struct TestDevice {
  std::string public_key = std::string(crypto_sign_PUBLICKEYBYTES, '\0');
  haven::SecretBytes secret{crypto_sign_SECRETKEYBYTES};
  TestDevice() {
    const std::string seed(crypto_sign_SEEDBYTES, '\x5e');
    crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(public_key.data()), secret.data(),
                             reinterpret_cast<const unsigned char*>(seed.data()));
  }
};

const TestDevice& Device() {
  static const TestDevice* device = new TestDevice();
  return *device;
}

const haven::SecretBytes& TestKey() {
  static const haven::SecretBytes* key =
      new haven::SecretBytes(haven::SecretBytes::CopyOf(kTestKey));
  return *key;
}

void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "record_fuzz: property violated: %s\n", what);
    std::abort();
  }
}

// A create from device A: the state fuzzed records merge into.
RecordBody BaseCreate() {
  RecordBody b;
  b.set_kind(RecordBody::CREATE);
  b.set_hlc(uint64_t{1'790'000'000'000} << 16);
  b.set_entry_id("0123456789abcdef01234567");
  b.set_type("checkin");
  b.set_type_version(1);
  b.set_has_at(true);
  b.set_at_us(int64_t{1'790'000'000'000} * 1000);
  b.set_has_tags(true);
  b.add_tags("morning");
  (*b.mutable_set_fields())["mood"] = "5";
  (*b.mutable_set_fields())["note"] = "\"steady\"";
  b.set_derived_json(R"({"d":1})");
  return b;
}

void Render(const EntryState& state) {
  (void)haven::IsDeleted(state);
  if (!state.has_create()) return;
  std::string dumped = haven::EntryToJson(haven::StateToEntry(state)).dump();
  Require(!dumped.empty(), "entry JSON is empty");
}

// Folds `body` alone and on top of a known create; checks idempotence.
void Merge(const RecordBody& body, const std::string& device, uint64_t seq) {
  (void)haven::HistoryItemToJson(body, device, seq, haven::HybridClock::ToMicros(body.hlc()))
      .dump();
  EntryState alone;
  haven::ApplyRecord(&alone, body, device, seq);
  const EntryState once = alone;
  Require(!haven::ApplyRecord(&alone, body, device, seq), "second apply reported a change");
  Require(google::protobuf::util::MessageDifferencer::Equals(alone, once),
          "second apply changed the state");
  Render(alone);

  EntryState merged;
  haven::ApplyRecord(&merged, BaseCreate(), kDeviceA, 1);
  haven::ApplyRecord(&merged, body, device, seq);
  Render(merged);
}

// The signature, the chain hash and the clear body of a parsed record.
void CheckFraming(std::string_view input, const haven::RecordHeader& header) {
  const bool valid = haven::RecordSignatureValid(input, Device().public_key);
  Require(!header.legacy() || !valid, "a format-1 record is signature-valid");
  const std::string hash = haven::RecordChainHash(input);
  Require(hash.size() == haven::kChainHashBytes, "chain hash size");
  if (!header.legacy()) {
    std::string resigned(input);
    resigned.back() = static_cast<char>(resigned.back() ^ 1);
    Require(haven::RecordChainHash(resigned) == hash, "chain hash covers the signature");
    Require(!haven::RecordSignatureValid(resigned, Device().public_key),
            "a changed signature still verifies");
  }
  auto clear = haven::ClearRecordBody(input);
  if (!header.membership()) {
    Require(!clear.ok() && clear.status().code() == absl::StatusCode::kInvalidArgument,
            "a sealed record has a clear body");
    return;
  }
  Require(
      clear.ok() && clear->size() + haven::kRecordV2HeaderBytes + haven::kRecordSignatureBytes ==
                        input.size(),
      "clear body is not what lies between header and signature");
}

void FuzzSealed(std::string_view input) {
  auto header = haven::ParseRecordHeader(input);
  haven::RecordHeader opened_header;
  auto body = haven::OpenRecord(TestKey(), input, &opened_header);
  if (!header.ok()) {
    Require(!body.ok() && body.status().code() == header.status().code(),
            "OpenRecord accepted framing that ParseRecordHeader refused");
    return;
  }
  Require(input.size() <= haven::kMaxRecordBytes, "oversized record parsed");
  Require(header->seq != 0 && (header->version == haven::kRecordFormatVersion ||
                               header->version == haven::kRecordFormatV1),
          "invalid header parsed");
  CheckFraming(input, *header);
  if (!body.ok()) {
    const auto want =
        header->membership() ? absl::StatusCode::kInvalidArgument : absl::StatusCode::kDataLoss;
    Require(body.status().code() == want, "forgery not DataLoss, membership not framing");
    return;
  }
  Require(!header->membership(), "a membership record opened");
  Require(opened_header.seq == header->seq && opened_header.device_id == header->device_id &&
              opened_header.vault_id == header->vault_id &&
              opened_header.version == header->version && opened_header.epoch == header->epoch &&
              opened_header.prev_hash == header->prev_hash,
          "opened header differs from parsed header");
  const size_t overhead =
      header->legacy() ? haven::kRecordHeaderBytes + 24 + 16 : haven::kRecordOverheadBytes;
  Require(body->size() + overhead < input.size(), "body not smaller");
  std::string resealed = haven::SealRecord(TestKey(), opened_header, *body);
  Require(resealed.size() == input.size(), "re-sealed record has another size");
  haven::RecordHeader reopened_header;
  auto reopened = haven::OpenRecord(TestKey(), resealed, &reopened_header);
  Require(reopened.ok() && *reopened == *body && reopened_header.epoch == header->epoch &&
              reopened_header.prev_hash == header->prev_hash,
          "re-sealed record does not round-trip");

  RecordBody parsed;
  if (parsed.ParseFromString(*body)) Merge(parsed, opened_header.device_id, opened_header.seq);
}

void FuzzBody(std::string_view input) {
  RecordBody body;
  if (body.ParseFromArray(input.data(), static_cast<int>(input.size()))) {
    Merge(body, kDeviceB, 1);
  }
}

// View rows are sealed by the device itself, so only the merge's own inputs
// are exercised here: folding records into an arbitrary state.
void FuzzState(std::string_view input) {
  EntryState state;
  if (!state.ParseFromArray(input.data(), static_cast<int>(input.size()))) return;
  (void)haven::IsDeleted(state);
  haven::ApplyRecord(&state, BaseCreate(), kDeviceA, 1);
  (void)haven::IsDeleted(state);
  (void)state.SerializeAsString();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Sealed bytes tried as a RecordBody fail UTF-8 checks; keep replay quiet.
  static const bool quiet = (google::protobuf::SetLogHandler(nullptr), true);
  (void)quiet;
  if (size > 2 * haven::kMaxRecordBytes) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  FuzzSealed(input);
  FuzzBody(input);
  FuzzState(input);
  return 0;
}

#ifdef HAVEN_RECORD_FUZZ_SEEDS
#include <fstream>
#include <limits>

namespace {

// A format-2 record chained after `prev` (empty: the first) and signed by
// the corpus device; format 1 when `version` says so (unchained, unsigned).
std::string Seal(const std::string& device, uint64_t seq, const RecordBody& body,
                 const std::string& prev = "", uint8_t version = haven::kRecordFormatVersion) {
  haven::RecordHeader h;
  h.version = version;
  h.vault_id = kVaultId;
  h.device_id = device;
  h.seq = seq;
  if (version != haven::kRecordFormatV1) {
    h.epoch = 1;
    if (!prev.empty()) h.prev_hash = haven::RecordChainHash(prev);
  }
  std::string sealed = haven::SealRecord(TestKey(), h, body.SerializeAsString());
  if (version != haven::kRecordFormatV1) haven::SignRecord(&sealed, Device().secret);
  return sealed;
}

// A signed membership record of device A: its clear body is opaque here.
std::string Clear(uint64_t seq, std::string_view body) {
  haven::RecordHeader h;
  h.vault_id = kVaultId;
  h.device_id = kDeviceA;
  h.seq = seq;
  std::string sealed = haven::ClearRecord(h, body);
  haven::SignRecord(&sealed, Device().secret);
  return sealed;
}

void Write(const std::string& dir, const std::string& name, const std::string& bytes) {
  std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

// An edit from device B after `create`: a tag, a field set and one unset.
RecordBody SeedEdit(const RecordBody& create) {
  RecordBody edit;
  edit.set_kind(RecordBody::EDIT);
  edit.set_hlc(create.hlc() + (5 << 16));
  edit.set_entry_id(create.entry_id());
  edit.set_type_version(2);
  edit.set_has_tags(true);
  edit.add_tags("evening");
  (*edit.mutable_set_fields())["mood"] = "7";
  edit.add_unset_fields("note");
  edit.set_derived_json(R"({"d":2})");
  return edit;
}

// A delete of `create` that has seen both devices' first records.
RecordBody SeedDelete(const RecordBody& create) {
  RecordBody del;
  del.set_kind(RecordBody::DELETE);
  del.set_hlc(create.hlc() + (9 << 16));
  del.set_entry_id(create.entry_id());
  (*del.mutable_seen())["a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0"] = 1;
  (*del.mutable_seen())["b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0"] = 1;
  return del;
}

RecordBody SeedTypes(const RecordBody& create) {
  RecordBody types;
  types.set_kind(RecordBody::DEFINE_TYPES);
  types.set_hlc(create.hlc() + 1);
  types.set_entry_id("types");
  types.set_manifest_json(R"({"haven_plugin":1,"types":[]})");
  return types;
}

// `edit` with values a hostile vault member could write.
RecordBody SeedOdd(const RecordBody& edit) {
  RecordBody odd = edit;
  odd.set_has_at(true);
  odd.set_at_us(std::numeric_limits<int64_t>::min() + 1);
  odd.set_hlc(std::numeric_limits<uint64_t>::max());
  (*odd.mutable_set_fields())["mood"] = "not json";
  odd.set_derived_json("[1,2");
  odd.set_created_us(-1);
  return odd;
}

// A good sealed record cut short, with a flipped bit, with its header's
// sequence, epoch or chain moved, with another format version, and moved
// into the membership epoch.
void WriteMangledSeeds(const std::string& dir, const std::string& sealed) {
  Write(dir, "truncated.rec", sealed.substr(0, 100));
  Write(dir, "truncated_signature.rec", sealed.substr(0, sealed.size() - 1));
  std::string forged = sealed;
  forged[sealed.size() / 2] ^= 0x20;
  Write(dir, "forged.rec", forged);
  std::string moved = sealed;
  moved[40] = 9;
  Write(dir, "moved.rec", moved);
  std::string epoch = sealed;
  epoch[44] = 7;
  Write(dir, "moved_epoch.rec", epoch);
  std::string chain = sealed;
  chain[60] ^= 0x01;
  Write(dir, "moved_chain.rec", chain);
  std::string version = sealed;
  version[0] = 3;
  Write(dir, "bad_version.rec", version);
  std::string membership = sealed;
  membership.replace(41, 4, std::string(4, '\xff'));
  Write(dir, "relabelled_membership.rec", membership);
}

void WriteLegacySeeds(const std::string& dir, const RecordBody& create, const RecordBody& edit) {
  constexpr uint8_t kV1 = haven::kRecordFormatV1;
  Write(dir, "v1_create.rec", Seal(kDeviceA, 1, create, "", kV1));
  Write(dir, "v1_edit.rec", Seal(kDeviceB, 1, edit, "", kV1));
  Write(dir, "v1_empty_body.rec", haven::SealRecord(TestKey(), {kV1, kVaultId, kDeviceA, 4}, ""));
  std::string version = Seal(kDeviceA, 1, create, "", kV1);
  version[0] = 2;  // a format-1 record claiming format 2
  Write(dir, "v1_as_v2.rec", version);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  RecordBody create = BaseCreate();
  RecordBody edit = SeedEdit(create);
  RecordBody del = SeedDelete(create);
  RecordBody restore = del;
  restore.set_kind(RecordBody::RESTORE);
  restore.set_hlc(create.hlc() + (12 << 16));
  RecordBody types = SeedTypes(create);
  RecordBody odd = SeedOdd(edit);

  const std::string a1 = Seal(kDeviceA, 1, create);
  const std::string b1 = Seal(kDeviceB, 1, edit);
  const std::string a2 = Seal(kDeviceA, 2, del, a1);
  const std::string b2 = Seal(kDeviceB, 2, restore, b1);
  Write(dir, "create.rec", a1);
  Write(dir, "edit.rec", b1);
  Write(dir, "delete.rec", a2);
  Write(dir, "restore.rec", b2);
  Write(dir, "define_types.rec", Seal(kDeviceA, 3, types, a2));
  Write(dir, "odd_values.rec", Seal(kDeviceB, 3, odd, b2));
  Write(dir, "empty_body.rec", Seal(kDeviceA, 4, RecordBody(), a2));
  Write(dir, "membership.rec", Clear(5, std::string("\x08\x01\x22\x12\x0a\x10", 6) + kDeviceB));
  Write(dir, "membership_empty.rec", Clear(6, std::string(1, '\0')));
  WriteMangledSeeds(dir, a1);
  WriteLegacySeeds(dir, create, edit);
  Write(dir, "body_create.bin", create.SerializeAsString());
  Write(dir, "body_edit.bin", edit.SerializeAsString());
  Write(dir, "body_delete.bin", del.SerializeAsString());
  Write(dir, "body_odd.bin", odd.SerializeAsString());
  EntryState state;
  haven::ApplyRecord(&state, create, kDeviceA, 1);
  haven::ApplyRecord(&state, edit, kDeviceB, 1);
  haven::ApplyRecord(&state, del, kDeviceA, 2);
  Write(dir, "state.bin", state.SerializeAsString());
  Write(dir, "empty", "");
  std::printf("wrote seeds to %s\n", dir.c_str());
  return 0;
}
#endif  // HAVEN_RECORD_FUZZ_SEEDS
