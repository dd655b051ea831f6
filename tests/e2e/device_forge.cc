// raw_record_tool's forge-push mode: a member device that pushes a record
// in another device's name, as a compromised but still enrolled device
// would.
//
//   raw_record_tool forge-push ADDRESS HOME_STORE_DIR VICTIM_DEVICE_HEX
//
// Logs in to the hub at ADDRESS (loopback, plaintext) as the device of
// HOME_STORE_DIR, with its own device key ("haven-hub-auth-v3"), then pushes
// one format-2 record whose header names VICTIM_DEVICE_HEX at the sequence
// after the victim's head on the hub, chained after nothing, sealed under a
// random key and signed with the pushing device's key. Prints "accepted N"
// and exits 0 when the hub took the push; prints the hub's error as
// "CODE: message" in one line and exits 5 when it refused the push (or the
// login); 1 on any other failure. The home's store must not be open in a
// running daemon.
//
//   raw_record_tool plant-forgery HUB_STORE_DIR HOME_STORE_DIR VICTIM_DEVICE_HEX
//
// What a member that also controls the hub could do: takes the victim's
// newest record from a stopped hub's store, opens it with the home's keys
// (HAVEN_PASSPHRASE), sets its "mood" field to 1, and writes it back under
// the same header (vault, device, sequence, epoch, chain), sealed under the
// same key and signed with the home's device key: a record every device
// can open, whose only fault is that the victim did not write it. Prints
// "planted VICTIM SEQ"; 1 on any failure.
#include <grpcpp/grpcpp.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "haven/v1/hub.grpc.pb.h"
#include "haven/v1/record.pb.h"
#include "server/crypto/ids.h"
#include "server/crypto/sealed_record.h"
#include "server/crypto/vault_keys.h"
#include "server/store/store.h"

namespace haven {
namespace {

int Refused(const grpc::Status& s, const char* step) {
  std::printf("%s: %d: %s\n", step, static_cast<int>(s.error_code()), s.error_message().c_str());
  return 5;
}

struct Member {
  std::string vault_id, device_id;
  SecretBytes sign_key;
};

std::optional<Member> ReadMember(const std::string& store_dir) {
  auto store = Store::Open(store_dir);
  if (!store.ok()) return std::nullopt;
  auto get = [&](const char* key) -> std::string {
    auto v = (*store)->Get(Family::kMeta, key);
    return v.ok() && v->has_value() ? **v : std::string();
  };
  Member m{get("vault/id"), get("vault/device"), SecretBytes::CopyOf(get("vault/device_key"))};
  if (m.vault_id.size() != 16 || m.device_id.size() != 16 ||
      m.sign_key.size() != crypto_sign_SECRETKEYBYTES) {
    return std::nullopt;
  }
  return m;
}

// Logs in as `m`; the session, or the exit code.
std::variant<std::string, int> Login(v1::Hub::Stub& hub, const Member& m) {
  grpc::ClientContext c1;
  v1::ChallengeRequest challenge;
  challenge.set_vault_id(m.vault_id);
  challenge.set_device_id(m.device_id);
  v1::ChallengeReply nonce;
  if (auto s = hub.Challenge(&c1, challenge, &nonce); !s.ok()) return Refused(s, "challenge");
  std::string message =
      "haven-hub-auth-v3" + nonce.hub_id() + m.vault_id + m.device_id + nonce.nonce();
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       m.sign_key.data());
  grpc::ClientContext c2;
  v1::AuthenticateRequest auth;
  auth.set_vault_id(m.vault_id);
  auth.set_device_id(m.device_id);
  auth.set_nonce(nonce.nonce());
  auth.set_signature(signature);
  v1::AuthenticateReply session;
  if (auto s = hub.Authenticate(&c2, auth, &session); !s.ok()) return Refused(s, "login");
  return session.session();
}

uint64_t HeadOf(v1::Hub::Stub& hub, const std::string& session, const std::string& device) {
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + session);
  v1::VersionVectorMsg heads;
  if (!hub.Heads(&ctx, v1::HeadsRequest(), &heads).ok()) return 0;
  for (const auto& h : heads.heads()) {
    if (h.device_id() == device) return h.seq();
  }
  return 0;
}

// The hub's key of the victim's newest record (vault || device || seq).
std::string NewestKey(const Store& hub, const std::string& victim) {
  std::string best;
  Cursor it = hub.NewCursor(Family::kRecords);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    if (it.key().size() == 40 && it.key().substr(16, 16) == victim && it.key() > best) {
      best = std::string(it.key());
    }
  }
  return best;
}

// `sealed` with its body's mood set to 1, re-sealed by whichever of `keys`
// opens it and signed with `sign_key`; empty when none opens it.
std::string Rewrite(std::string_view sealed, const std::vector<std::unique_ptr<VaultKeys>>& keys,
                    const SecretBytes& sign_key) {
  for (const auto& k : keys) {
    RecordHeader header;
    auto body = OpenRecord(*k->record_key(0), sealed, &header);
    v1::RecordBody record;
    if (!body.ok() || !record.ParseFromString(*body)) continue;
    (*record.mutable_set_fields())["mood"] = "1";
    std::string forged = SealRecord(*k->record_key(0), header, record.SerializeAsString());
    SignRecord(&forged, sign_key);
    return forged;
  }
  return "";
}

}  // namespace

absl::StatusOr<std::vector<std::unique_ptr<VaultKeys>>> HomeKeys(const Store& home,
                                                                 const char* passphrase);

int RunPlantForgery(const std::string& hub_store, const std::string& home_store,
                    const std::string& victim_hex) {
  auto victim = HexDecode(victim_hex);
  std::optional<Member> m = ReadMember(home_store);
  const char* passphrase = std::getenv("HAVEN_PASSPHRASE");
  if (!victim || victim->size() != 16 || !m || passphrase == nullptr) {
    std::fprintf(stderr, "raw_record_tool: bad victim id, no device key or no passphrase\n");
    return 1;
  }
  auto home = Store::Open(home_store);
  auto hub = Store::Open(hub_store);
  if (!home.ok() || !hub.ok()) return 1;
  auto keys = HomeKeys(**home, passphrase);
  const std::string key = NewestKey(**hub, *victim);
  auto sealed = (*hub)->Get(Family::kRecords, key);
  if (!keys.ok() || key.empty() || !sealed.ok() || !sealed->has_value()) {
    std::fprintf(stderr, "raw_record_tool: no record of %s or no keys\n", victim_hex.c_str());
    return 1;
  }
  std::string forged = Rewrite(**sealed, *keys, m->sign_key);
  if (forged.empty() || !(*hub)->Put(Family::kRecords, key, forged, /*sync=*/true).ok()) {
    std::fprintf(stderr, "raw_record_tool: the victim's record does not open here\n");
    return 1;
  }
  std::printf("planted %s %llu\n", victim_hex.c_str(),
              static_cast<unsigned long long>(ParseRecordHeader(forged)->seq));
  return 0;
}

int RunForgePush(const std::string& address, const std::string& home_store,
                 const std::string& victim_hex) {
  auto victim = HexDecode(victim_hex);
  std::optional<Member> m = ReadMember(home_store);
  if (!victim || victim->size() != 16 || !m) {
    std::fprintf(stderr, "raw_record_tool: bad victim id or no device key in %s\n",
                 home_store.c_str());
    return 1;
  }
  auto hub = v1::Hub::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  auto session = Login(*hub, *m);
  if (std::holds_alternative<int>(session)) return std::get<int>(session);
  const std::string& bearer = std::get<std::string>(session);

  RecordHeader header;
  header.vault_id = m->vault_id;
  header.device_id = *victim;
  header.seq = HeadOf(*hub, bearer, *victim) + 1;
  std::string record = SealRecord(SecretBytes::Random(32), header, "forged in another's name");
  SignRecord(&record, m->sign_key);

  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + bearer);
  v1::PushReply reply;
  auto writer = hub->Push(&ctx, &reply);
  v1::RecordBatch batch;
  batch.add_records(record);
  writer->Write(batch);
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  if (!s.ok()) return Refused(s, "push");
  std::printf("accepted %llu\n", static_cast<unsigned long long>(reply.accepted()));
  return 0;
}

}  // namespace haven
