#include "server/hub/hub_auth.h"

#include <sodium.h>

#include <algorithm>

#include "absl/status/status.h"
#include "server/crypto/ids.h"
#include "server/crypto/secret_bytes.h"
#include "server/util/time.h"

namespace haven {
namespace {

constexpr int64_t kChallengeLifetimeUs = 60LL * 1000000;
constexpr int64_t kSessionLifetimeUs = 10LL * 60 * 1000000;
constexpr size_t kMaxPending = 100000;
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

}  // namespace

HubAuth::HubAuth(std::string token) : token_hash_(token.empty() ? "" : Hash(token)) {
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

void HubAuth::ExpireLocked(int64_t now) {
  for (auto* table : {&challenges_, &sessions_}) {
    for (auto it = table->begin(); it != table->end();) {
      it = it->second.expires_us < now ? table->erase(it) : std::next(it);
    }
  }
}

std::string HubAuth::NewChallenge(const std::string& vault_id) {
  std::string nonce = RandomBytes(32);
  int64_t now = NowMicros();
  std::lock_guard<std::mutex> lock(mu_);
  if (challenges_.size() > kMaxPending) ExpireLocked(now);
  challenges_[nonce] = {vault_id, now + kChallengeLifetimeUs};
  return nonce;
}

absl::StatusOr<std::string> HubAuth::Authenticate(const std::string& vault_id,
                                                  const std::string& nonce,
                                                  const std::string& signature,
                                                  const std::string& public_key,
                                                  int64_t* expires_us) {
  int64_t now = NowMicros();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = challenges_.find(nonce);
    if (it == challenges_.end() || it->second.vault_id != vault_id || it->second.expires_us < now) {
      return absl::UnauthenticatedError("unknown or expired challenge");
    }
    challenges_.erase(it);  // single use
  }
  std::string message(kHubAuthContext);
  message += vault_id;
  message += nonce;
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES ||
      signature.size() != crypto_sign_BYTES ||
      crypto_sign_verify_detached(reinterpret_cast<const uint8_t*>(signature.data()),
                                  reinterpret_cast<const uint8_t*>(message.data()),
                                  message.size(),
                                  reinterpret_cast<const uint8_t*>(public_key.data())) != 0) {
    return absl::UnauthenticatedError("the vault's key did not sign this challenge");
  }
  std::string session = HexEncode(RandomBytes(32));
  std::lock_guard<std::mutex> lock(mu_);
  if (sessions_.size() > kMaxPending) ExpireLocked(now);
  sessions_[session] = {vault_id, now + kSessionLifetimeUs};
  *expires_us = now + kSessionLifetimeUs;
  return session;
}

absl::StatusOr<std::string> HubAuth::VaultForSession(const std::string& session) {
  int64_t now = NowMicros();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(session);
  if (it == sessions_.end() || it->second.expires_us < now) {
    return absl::UnauthenticatedError("no valid hub session; authenticate again");
  }
  Bucket& bucket = buckets_.try_emplace(it->second.vault_id, Bucket{kBucketSize, now}).first->second;
  bucket.tokens = std::min(kBucketSize, bucket.tokens + (now - bucket.refilled_us) / 1e6 *
                                                            kRefillPerSecond);
  bucket.refilled_us = now;
  if (bucket.tokens < 1) {
    return absl::ResourceExhaustedError("too many requests for this vault; slow down");
  }
  bucket.tokens -= 1;
  return it->second.vault_id;
}

absl::StatusOr<int64_t> HubAuth::SessionExpiresUs(const std::string& session) {
  int64_t now = NowMicros();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(session);
  if (it == sessions_.end() || it->second.expires_us < now) {
    return absl::UnauthenticatedError("session expired; authenticate again");
  }
  return it->second.expires_us;
}

}  // namespace haven
