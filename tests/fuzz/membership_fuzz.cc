// Fuzz target for membership records, the outside bytes a hub and every
// device compute a vault's membership from: ParseMemberRecord, then
// Membership::Add over a base membership (two devices enrolled under the
// target's fixed test keys) and every query. Each input is tried three ways:
// as one sealed record; as a run of records, each behind a 4-byte big-endian
// length; and as a MembershipOp body that device B signs, as it is and,
// when it parses as an op, also signed by epoch 0's authority, so the
// fuzzer reaches every rule without forging a signature.
//
// Checked properties, beyond "no crash": a parsed record is a membership
// record of the vault; adding a record again changes nothing; the state
// does not depend on whether the fuzzed records come before or after the
// base ones.
//
// Built with -fsanitize=fuzzer it is a libFuzzer target; otherwise it links
// tests/fuzz/fuzz_replay_main.cc and replays files named on the command
// line. With HAVEN_MEMBERSHIP_FUZZ_SEEDS it is instead the seed generator:
// `membership_fuzz_seeds DIR` writes the corpus in tests/fuzz/corpus/membership/.
#include <google/protobuf/stubs/logging.h>
#include <sodium.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "server/crypto/ids.h"
#include "server/crypto/sealed_record.h"
#include "server/crypto/secret_bytes.h"
#include "server/membership/membership.h"
#include "server/membership/membership_op.h"

namespace {

using haven::MemberRecord;
using haven::Membership;
namespace v1 = haven::v1;

const std::string kVaultId(16, '\x11');
const std::string kDeviceA(16, '\xa0');
const std::string kDeviceB(16, '\xb0');
constexpr uint64_t kHlc = uint64_t{1796000000000} << 16;
constexpr int64_t kAtUs = int64_t{1796000000} * 1000000;

// A fixed Ed25519 key pair made from `seed_byte` (test keys, never a vault's).
struct TestKey {
  std::string public_key;
  haven::SecretBytes secret_key;

  explicit TestKey(char seed_byte) : public_key(crypto_sign_PUBLICKEYBYTES, '\0') {
    haven::EnsureSodium();
    secret_key = haven::SecretBytes(crypto_sign_SECRETKEYBYTES);
    const std::string seed(crypto_sign_SEEDBYTES, seed_byte);
    crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(public_key.data()), secret_key.data(),
                             reinterpret_cast<const unsigned char*>(seed.data()));
  }
};

const TestKey& Authority() {
  static const TestKey* key = new TestKey('\x01');
  return *key;
}
const TestKey& KeyA() {
  static const TestKey* key = new TestKey('\x0a');
  return *key;
}
const TestKey& KeyB() {
  static const TestKey* key = new TestKey('\x0b');
  return *key;
}

void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "membership_fuzz: property violated: %s\n", what);
    std::abort();
  }
}

// The signed record of `op` at (device, seq); the chain is left zero.
std::string Sign(const std::string& device, const TestKey& key, uint64_t seq,
                 const std::string& body) {
  haven::RecordHeader header;
  header.vault_id = kVaultId;
  header.device_id = device;
  header.seq = seq;
  header.prev_hash = std::string(haven::kChainHashBytes, '\0');
  std::string sealed = haven::ClearRecord(header, body);
  haven::SignRecord(&sealed, key.secret_key);
  return sealed;
}

// `op` signed by epoch 0's authority for (device, seq) when it is no Enrol
// (the authority rule), then the record of it as Sign makes it.
std::string SignOp(const std::string& device, const TestKey& key, uint64_t seq,
                   v1::MembershipOp op) {
  if (!op.has_enrol()) {
    haven::RecordHeader header;
    header.vault_id = kVaultId;
    header.device_id = device;
    header.seq = seq;
    haven::SignOpAuthority(&op, header, 0, Authority().secret_key);
  }
  return Sign(device, key, seq, op.SerializeAsString());
}

v1::MembershipOp EnrolOp(const std::string& device, const TestKey& key, uint64_t hlc) {
  v1::MembershipOp op;
  op.set_hlc(hlc);
  v1::Enrol* enrol = op.mutable_enrol();
  enrol->set_device_id(device);
  enrol->set_sign_public_key(key.public_key);
  enrol->set_at_us(kAtUs);
  enrol->mutable_name()->set_sealed(std::string(56, 'n'));
  const std::string message = haven::EnrolmentMessage(kVaultId, *enrol);
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       Authority().secret_key.data());
  enrol->set_authority_signature(signature);
  return op;
}

// A and B enrolled at their sequence 1.
const std::vector<MemberRecord>& Base() {
  static const auto* base = new std::vector<MemberRecord>{
      *haven::ParseMemberRecord(
          Sign(kDeviceA, KeyA(), 1, EnrolOp(kDeviceA, KeyA(), kHlc).SerializeAsString()), kVaultId),
      *haven::ParseMemberRecord(
          Sign(kDeviceB, KeyB(), 1, EnrolOp(kDeviceB, KeyB(), kHlc + 1).SerializeAsString()),
          kVaultId),
  };
  return *base;
}

std::string Snapshot(const Membership& m) {
  std::string out;
  for (const auto& [id, d] : m.devices()) {
    out += id + d.sign_public_key + std::to_string(d.enrolled) + std::to_string(d.enrol_seq) +
           d.name.SerializeAsString() + std::to_string(d.revoked) + d.revoked_by +
           std::to_string(d.cut) + std::to_string(d.legacy_until) + "|";
  }
  for (uint32_t e = 0; e <= m.current_epoch(); ++e) {
    out += std::to_string(e) + m.epoch(e)->authority_public_key + m.epoch(e)->written_by;
    for (const std::string& holder : m.epoch(e)->holders) out += holder;
  }
  return out + m.wrapped_key() + std::to_string(m.wrap_generation()) +
         std::to_string(m.NeedsRotation());
}

// Every query, over every device the state names and the two base ones.
void Query(const Membership& m) {
  std::vector<std::string> ids = {kDeviceA, kDeviceB, std::string(16, '\0')};
  for (const auto& [id, device] : m.devices()) ids.push_back(id);
  for (const std::string& id : ids) {
    for (uint64_t seq : {uint64_t{0}, uint64_t{1}, uint64_t{2}, UINT64_MAX}) {
      (void)m.Admits(id, seq, false);
      (void)m.Admits(id, seq, true);
    }
    (void)m.SigningKey(id);
  }
  (void)m.ActiveDevices();
  (void)m.epoch(m.current_epoch() + 1);
}

// `fuzzed` added after the base records, and before them; then again.
void AddAndCheck(const std::vector<MemberRecord>& fuzzed) {
  Membership after(kVaultId, Authority().public_key);
  after.Add(Base());
  after.Add(fuzzed);
  Query(after);
  const std::string state = Snapshot(after);
  const size_t held = after.records().size();
  after.Add(fuzzed);
  Require(after.records().size() == held, "a record added twice was held twice");
  Require(Snapshot(after) == state, "adding records again changed the state");
  Membership before(kVaultId, Authority().public_key);
  before.Add(fuzzed);
  before.Add(Base());
  Require(Snapshot(before) == state, "the state depends on the order records arrived in");
}

bool ParseInto(std::string sealed, std::vector<MemberRecord>* out) {
  auto record = haven::ParseMemberRecord(std::move(sealed), kVaultId);
  if (!record.ok()) {
    Require(record.status().code() == absl::StatusCode::kInvalidArgument,
            "a refusal is not InvalidArgument");
    return false;
  }
  Require(record->header.membership() && record->header.vault_id == kVaultId,
          "parsed a record that is not a membership record of the vault");
  out->push_back(*std::move(record));
  return true;
}

void FuzzRecord(std::string_view input) {
  std::vector<MemberRecord> records;
  if (ParseInto(std::string(input), &records)) AddAndCheck(records);
}

void FuzzRun(std::string_view input) {
  std::vector<MemberRecord> records;
  while (input.size() >= 4 && records.size() < 64) {
    uint32_t size = 0;
    for (int i = 0; i < 4; ++i) size = (size << 8) | static_cast<uint8_t>(input[i]);
    input.remove_prefix(4);
    if (size > input.size()) break;
    ParseInto(std::string(input.substr(0, size)), &records);
    input.remove_prefix(size);
  }
  if (!records.empty()) AddAndCheck(records);
}

void FuzzOp(std::string_view input) {
  if (input.size() > haven::kMaxMembershipOpBytes) return;
  std::vector<MemberRecord> records;
  if (ParseInto(Sign(kDeviceB, KeyB(), 2, std::string(input)), &records)) AddAndCheck(records);
  // A body that parses as an op, signed by the authority too, so the fuzzer
  // reaches the rules beyond the authority's.
  v1::MembershipOp op;
  if (!op.ParseFromArray(input.data(), static_cast<int>(input.size())) || op.has_enrol()) return;
  records.clear();
  if (ParseInto(SignOp(kDeviceB, KeyB(), 2, std::move(op)), &records)) AddAndCheck(records);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Bytes tried as a MembershipOp fail UTF-8 checks of map keys; keep replay quiet.
  static const bool quiet = (google::protobuf::SetLogHandler(nullptr), true);
  (void)quiet;
  if (size > 2 * haven::kMaxRecordBytes) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  FuzzRecord(input);
  FuzzRun(input);
  FuzzOp(input);
  return 0;
}

#ifdef HAVEN_MEMBERSHIP_FUZZ_SEEDS
#include <fstream>

namespace {

const std::string kDeviceC(16, '\xc0');

void Write(const std::string& dir, const std::string& name, const std::string& bytes) {
  std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

v1::MembershipOp Revoke(const std::string& target, uint64_t cut, uint64_t hlc) {
  v1::MembershipOp op;
  op.set_hlc(hlc);
  op.mutable_revoke()->set_device_id(target);
  op.mutable_revoke()->set_cut(cut);
  op.mutable_revoke()->set_cut_hash(std::string(kChainHashBytes, '\0'));
  op.mutable_revoke()->set_at_us(kAtUs);
  return op;
}

v1::MembershipOp Epoch(const std::vector<std::string>& members, uint64_t hlc) {
  v1::MembershipOp op;
  op.set_hlc(hlc);
  v1::Epoch* epoch = op.mutable_epoch();
  epoch->set_epoch(1);
  epoch->set_authority_public_key(TestKey('\x02').public_key);
  for (const std::string& member : members) {
    epoch->add_members(member);
    (*epoch->mutable_secret_key_boxes())[haven::HexEncode(member)] = std::string(80, 'b');
  }
  epoch->set_keyring(std::string(120, 'k'));
  epoch->set_wrapped_key(std::string(100, 'w'));
  epoch->set_at_us(kAtUs);
  return op;
}

v1::MembershipOp Others(int which, uint64_t hlc) {
  v1::MembershipOp op;
  op.set_hlc(hlc);
  if (which == 0) {
    op.mutable_rename()->set_device_id(kDeviceA);
    op.mutable_rename()->mutable_name()->set_epoch(0);
    op.mutable_rename()->mutable_name()->set_sealed(std::string(56, 'r'));
  } else {
    op.mutable_wrap()->set_epoch(0);
    op.mutable_wrap()->set_wrapped_key(std::string(100, 'p'));
    op.mutable_wrap()->set_at_us(kAtUs);
  }
  return op;
}

std::string LengthPrefixed(const std::vector<std::string>& records) {
  std::string out;
  for (const std::string& r : records) {
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>(r.size() >> (8 * i)));
    out += r;
  }
  return out;
}

void WriteMangledSeeds(const std::string& dir, const std::string& sealed) {
  Write(dir, "truncated.rec", sealed.substr(0, 100));
  std::string forged = sealed;
  forged[haven::kRecordV2HeaderBytes + 3] ^= 0x01;
  Write(dir, "forged.rec", forged);
  std::string other_vault = sealed;
  other_vault[1] ^= 0x01;
  Write(dir, "other_vault.rec", other_vault);
  std::string entry = sealed;
  entry[44] = 0;  // key epoch 0xFFFFFF00: an entry record
  Write(dir, "entry.rec", entry);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const TestKey key_c('\x0c');
  const std::string enrol_c =
      Sign(kDeviceC, key_c, 1, EnrolOp(kDeviceC, key_c, kHlc + 5).SerializeAsString());
  const std::string revoke = SignOp(kDeviceA, KeyA(), 2, Revoke(kDeviceB, 1, kHlc + 10));
  const std::string rekey = SignOp(kDeviceB, KeyB(), 2, Epoch({kDeviceA, kDeviceB}, kHlc + 11));
  const std::string rename = SignOp(kDeviceB, KeyB(), 3, Others(0, kHlc + 12));
  const std::string wrap = SignOp(kDeviceA, KeyA(), 3, Others(1, kHlc + 13));
  Write(dir, "enrol_a.rec", Base()[0].sealed);
  Write(dir, "enrol_c.rec", enrol_c);
  Write(dir, "revoke.rec", revoke);
  Write(dir, "epoch.rec", rekey);
  Write(dir, "rename.rec", rename);
  Write(dir, "wrap.rec", wrap);
  // B's rotation stamped before A's revoke of B still lists B; stamped after, it is ignored.
  const std::string early_rekey =
      SignOp(kDeviceB, KeyB(), 2, Epoch({kDeviceA, kDeviceB}, kHlc + 9));
  Write(dir, "revoke_meets_rekey.recs", LengthPrefixed({enrol_c, revoke, early_rekey, rename}));
  Write(dir, "revoked_writer.recs", LengthPrefixed({enrol_c, revoke, rekey, rename, wrap}));
  Write(dir, "op_revoke.bin", Revoke(kDeviceA, 1, kHlc + 20).SerializeAsString());
  Write(dir, "op_epoch.bin", Epoch({kDeviceB}, kHlc + 20).SerializeAsString());
  Write(dir, "op_rename.bin", Others(0, kHlc + 20).SerializeAsString());
  Write(dir, "op_wrap.bin", Others(1, kHlc + 20).SerializeAsString());
  WriteMangledSeeds(dir, revoke);
  Write(dir, "empty", "");
  std::printf("wrote seeds to %s\n", dir.c_str());
  return 0;
}
#endif  // HAVEN_MEMBERSHIP_FUZZ_SEEDS
