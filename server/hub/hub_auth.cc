#include "server/hub/hub_auth.h"

#include <sodium.h>

#include <algorithm>

#include "absl/status/status.h"
#include "common/time.h"
#include "server/crypto/ids.h"
#include "server/crypto/secret_bytes.h"
#include "server/crypto/vault_keys.h"

namespace haven {
namespace {

constexpr size_t kMaxSessions = 100000;
// Per vault: a burst of 400 requests, refilled at 200 per second.
constexpr double kBucketSize = 400;
constexpr double kRefillPerSecond = 200;

std::string Hash(std::string_view text) {
  EnsureSodium();
  std::string out(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<uint8_t*>(out.data()), out.size(),
                     reinterpret_cast<const uint8_t*>(text.data()), text.size(), nullptr, 0);
  return out;
}

bool Verify(std::string_view message, std::string_view signature, std::string_view public_key) {
  return public_key.size() == crypto_sign_PUBLICKEYBYTES && signature.size() == crypto_sign_BYTES &&
         crypto_sign_verify_detached(reinterpret_cast<const uint8_t*>(signature.data()),
                                     reinterpret_cast<const uint8_t*>(message.data()),
                                     message.size(),
                                     reinterpret_cast<const uint8_t*>(public_key.data())) == 0;
}

}  // namespace

std::string LoginMessage(std::string_view hub_id, std::string_view vault_id,
                         std::string_view nonce) {
  std::string message(kHubAuthContext);
  message.append(hub_id);
  message.append(vault_id);
  message.append(nonce);
  return message;
}

std::string DeviceLoginMessage(std::string_view hub_id, std::string_view vault_id,
                               std::string_view device_id, std::string_view nonce) {
  std::string message(kHubDeviceAuthContext);
  message.append(hub_id);
  message.append(vault_id);
  message.append(device_id);
  message.append(nonce);
  return message;
}

std::string RegistrationMessage(std::string_view hub_id, std::string_view vault_id,
                                std::string_view nonce, std::string_view auth_public_key,
                                std::string_view wrapped_key) {
  std::string message(kHubRegisterContext);
  message.append(hub_id);
  message.append(vault_id);
  message.append(nonce);
  message.append(auth_public_key);
  message.append(Hash(wrapped_key));
  return message;
}

HubAuth::HubAuth(std::string token, std::string hub_id, HubAuthLimits limits)
    : token_hash_(token.empty() ? "" : Hash(token)),
      hub_id_(std::move(hub_id)),
      challenges_(limits.challenges),
      before_login_(limits.before_login),
      session_lifetime_us_(limits.session_lifetime_us) {
  EnsureSodium();
}

absl::Status HubAuth::CheckToken(std::string_view token) const {
  if (token_hash_.empty()) {
    return absl::PermissionDeniedError("this hub registers no vaults (it has no --token-file)");
  }
  std::string given = Hash(token);
  if (token.empty() || sodium_memcmp(given.data(), token_hash_.data(), given.size()) != 0) {
    return absl::PermissionDeniedError("the hub token is missing or wrong");
  }
  return absl::OkStatus();
}

absl::Status HubAuth::Admit(const std::string& peer, std::string_view method) {
  return before_login_.Admit(peer, method, NowMicros());
}

absl::StatusOr<std::string> HubAuth::NewChallenge(const std::string& vault_id,
                                                  const std::string& peer) {
  return challenges_.Issue(vault_id, peer, NowMicros());
}

void HubAuth::ExpireSessionsLocked(int64_t now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->second.expires_us < now ? sessions_.erase(it) : std::next(it);
  }
}

absl::Status HubAuth::CheckSigned(const std::string& vault_id, const std::string& nonce,
                                  const std::string& signature, const std::string& message,
                                  const std::string& public_key, std::string_view whose) {
  if (nonce.size() != kChallengeNonceBytes) {
    return absl::InvalidArgumentError("authenticate: the nonce must be 32 bytes");
  }
  if (signature.size() != crypto_sign_BYTES) {
    return absl::InvalidArgumentError("authenticate: the signature must be 64 bytes");
  }
  if (!challenges_.Consume(nonce, vault_id, NowMicros())) {
    return absl::UnauthenticatedError("unknown or expired challenge");
  }
  if (!Verify(message, signature, public_key)) {
    return absl::UnauthenticatedError(std::string(whose) +
                                      " did not sign this challenge for this hub");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> HubAuth::Authenticate(const std::string& vault_id,
                                                  const std::string& nonce,
                                                  const std::string& signature,
                                                  const std::string& public_key,
                                                  int64_t* expires_us) {
  absl::Status signed_ok =
      CheckSigned(vault_id, nonce, signature, LoginMessage(hub_id_, vault_id, nonce), public_key,
                  "the vault's key");
  if (!signed_ok.ok()) return signed_ok;
  return OpenSession({vault_id, ""}, expires_us);
}

absl::Status HubAuth::CheckDeviceLogin(const std::string& vault_id, const std::string& device_id,
                                       const std::string& nonce, const std::string& signature,
                                       const std::string& device_public_key) {
  return CheckSigned(vault_id, nonce, signature,
                     DeviceLoginMessage(hub_id_, vault_id, device_id, nonce), device_public_key,
                     "the device's key");
}

std::string HubAuth::OpenSession(HubSession who, int64_t* expires_us) {
  const int64_t now = NowMicros();
  std::string session = HexEncode(RandomBytes(32));
  absl::MutexLock lock(&session_mu_);
  if (sessions_.size() > kMaxSessions) ExpireSessionsLocked(now);
  sessions_[session] = {std::move(who), now + session_lifetime_us_};
  *expires_us = now + session_lifetime_us_;
  return session;
}

void HubAuth::DropChallenge(const std::string& vault_id, const std::string& nonce) {
  (void)challenges_.Consume(nonce, vault_id, NowMicros());  // gone either way
}

absl::Status HubAuth::CheckRegistration(const std::string& vault_id,
                                        const std::string& auth_public_key,
                                        const std::string& wrapped_key, const std::string& nonce,
                                        const std::string& signature) {
  if (auth_public_key.size() != crypto_sign_PUBLICKEYBYTES) {
    return absl::InvalidArgumentError("registration: auth_public_key must be 32 bytes");
  }
  if (nonce.size() != kChallengeNonceBytes || signature.size() != crypto_sign_BYTES) {
    return absl::InvalidArgumentError(
        "registration: a 32-byte nonce from Challenge and a 64-byte signature are required "
        "(registration proves possession of the vault's key)");
  }
  if (vault_id != VaultIdFromAuthKey(auth_public_key)) {
    return absl::PermissionDeniedError(
        "registration: the vault id is not the one derived from auth_public_key");
  }
  if (!challenges_.Consume(nonce, vault_id, NowMicros())) {
    return absl::UnauthenticatedError("registration: unknown or expired challenge");
  }
  if (!Verify(RegistrationMessage(hub_id_, vault_id, nonce, auth_public_key, wrapped_key),
              signature, auth_public_key)) {
    return absl::UnauthenticatedError(
        "registration: the signature does not prove possession of the vault's auth key");
  }
  return absl::OkStatus();
}

absl::StatusOr<HubSession> HubAuth::SessionFor(const std::string& session) {
  int64_t now = NowMicros();
  absl::MutexLock lock(&session_mu_);
  auto it = sessions_.find(session);
  if (it == sessions_.end() || it->second.expires_us < now) {
    return absl::UnauthenticatedError("no valid hub session; authenticate again");
  }
  Bucket& bucket =
      buckets_.try_emplace(it->second.who.vault_id, Bucket{kBucketSize, now}).first->second;
  bucket.tokens =
      std::min(kBucketSize, bucket.tokens + (now - bucket.refilled_us) / 1e6 * kRefillPerSecond);
  bucket.refilled_us = now;
  if (bucket.tokens < 1) {
    return absl::ResourceExhaustedError("too many requests for this vault; slow down");
  }
  bucket.tokens -= 1;
  return it->second.who;
}

absl::StatusOr<std::string> HubAuth::VaultForSession(const std::string& session) {
  auto who = SessionFor(session);
  if (!who.ok()) return who.status();
  return std::move(who->vault_id);
}

absl::StatusOr<int64_t> HubAuth::SessionExpiresUs(const std::string& session) {
  int64_t now = NowMicros();
  absl::MutexLock lock(&session_mu_);
  auto it = sessions_.find(session);
  if (it == sessions_.end() || it->second.expires_us < now) {
    return absl::UnauthenticatedError("no valid hub session; authenticate again");
  }
  return it->second.expires_us;
}

}  // namespace haven
