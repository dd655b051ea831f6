// Who may talk to a hub about a vault (docs/design.md "Sync").
//
// Registration needs the hub token and proves possession of the vault's
// auth key: the device signs a fresh challenge together with the key and
// the wrapped key it registers, and the vault id must be the one derived
// from that key (VaultIdFromAuthKey), so nobody can take a vault id on a
// hub without holding its key. After that a device logs in by signing a
// fresh challenge and gets a short-lived session bound to that one vault.
// Every signed message carries the hub's id, so a signature made for one
// hub is refused by every other.
//
// Everything before a login is open to anyone who reaches the hub, so it
// is bounded per caller: a token bucket per address (PeerRateLimiter) and
// a bounded table of pending challenges (ChallengeTable), each with its own
// lock apart from the session checks of logged-in devices.
//
// Thread safety: all methods may be called from any thread.
#ifndef HAVEN_SERVER_HUB_HUB_AUTH_H_
#define HAVEN_SERVER_HUB_HUB_AUTH_H_

#include <map>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/hub/challenge_table.h"
#include "server/hub/hub_id.h"
#include "server/hub/peer_limits.h"

namespace haven {

// The vault-wide login of a vault without device keys: Ed25519 by the
// vault's auth key over kHubAuthContext || hub id || vault id || nonce.
inline constexpr std::string_view kHubAuthContext = "haven-hub-auth-v2";
// A device's login: Ed25519 by its device key over
// kHubDeviceAuthContext || hub id || vault id || device id || nonce.
inline constexpr std::string_view kHubDeviceAuthContext = "haven-hub-auth-v3";
// Registration: Ed25519 over kHubRegisterContext || hub id || vault id ||
// nonce || auth public key || BLAKE2b-256(wrapped key).
inline constexpr std::string_view kHubRegisterContext = "haven-hub-register-v1";
// The largest request a hub takes before a login (Challenge, Authenticate,
// RegisterVault, FetchWrappedKey).
inline constexpr size_t kHubMaxUnauthenticatedBytes = 4096;

std::string LoginMessage(std::string_view hub_id, std::string_view vault_id,
                         std::string_view nonce);
std::string DeviceLoginMessage(std::string_view hub_id, std::string_view vault_id,
                               std::string_view device_id, std::string_view nonce);

// Who a session speaks for. `device_id` is empty for a vault-wide session.
struct HubSession {
  std::string vault_id;
  std::string device_id;
};
std::string RegistrationMessage(std::string_view hub_id, std::string_view vault_id,
                                std::string_view nonce, std::string_view auth_public_key,
                                std::string_view wrapped_key);

struct HubAuthLimits {
  ChallengeLimits challenges;
  RateLimit before_login;                             // per caller, for every call before a login
  int64_t session_lifetime_us = 10LL * 60 * 1000000;  // a login's session
};

class HubAuth {
 public:
  // `token` empty: the hub registers no new vaults. `hub_id`: kHubIdBytes
  // (LoadOrCreateHubId).
  HubAuth(std::string token, std::string hub_id, HubAuthLimits limits = {});

  const std::string& hub_id() const { return hub_id_; }

  // PermissionDenied unless `token` equals the hub token (constant time).
  absl::Status CheckToken(std::string_view token) const;

  // Charges one call made before a login to the caller `peer` (a PeerKey);
  // ResourceExhausted naming `method` when it calls too fast.
  absl::Status Admit(const std::string& peer, std::string_view method);

  // A fresh nonce for `vault_id` (registered or not); ResourceExhausted when
  // `peer` has too many pending.
  absl::StatusOr<std::string> NewChallenge(const std::string& vault_id, const std::string& peer);

  // Verifies the signature over LoginMessage(hub id, vault id, nonce) with
  // the vault's registered key; the nonce answers once. Returns a session
  // id. InvalidArgument for a nonce or signature of the wrong length;
  // Unauthenticated for an unknown nonce or a bad signature.
  absl::StatusOr<std::string> Authenticate(const std::string& vault_id, const std::string& nonce,
                                           const std::string& signature,
                                           const std::string& public_key, int64_t* expires_us);

  // A device's login, in two steps so that the caller can refuse a revoked
  // device to the holder of its key only: CheckDeviceLogin verifies the
  // signature over DeviceLoginMessage with `device_public_key` (the nonce
  // answers once; errors as Authenticate's), then OpenSession binds a
  // session to (vault, device).
  absl::Status CheckDeviceLogin(const std::string& vault_id, const std::string& device_id,
                                const std::string& nonce, const std::string& signature,
                                const std::string& device_public_key);
  std::string OpenSession(HubSession who, int64_t* expires_us);

  // Forgets a pending challenge without a verdict: a login to a vault the
  // hub does not hold answers its challenge too, so that the registration
  // that follows leaves nothing pending behind it.
  void DropChallenge(const std::string& vault_id, const std::string& nonce);

  // Checks a registration's proof (the token is checked apart):
  // InvalidArgument for fields of the wrong length, PermissionDenied when
  // `vault_id` is not derived from `auth_public_key`, Unauthenticated for an
  // unknown nonce or a signature that is not over RegistrationMessage by
  // the key. The nonce answers once.
  absl::Status CheckRegistration(const std::string& vault_id, const std::string& auth_public_key,
                                 const std::string& wrapped_key, const std::string& nonce,
                                 const std::string& signature);

  // Who a live session speaks for, after charging one request to the
  // vault's rate limit. Unauthenticated / ResourceExhausted.
  absl::StatusOr<HubSession> SessionFor(const std::string& session);
  // SessionFor's vault.
  absl::StatusOr<std::string> VaultForSession(const std::string& session);
  // When a live session expires (microseconds since the epoch), without
  // charging the rate limit. Unauthenticated when it is unknown or expired.
  absl::StatusOr<int64_t> SessionExpiresUs(const std::string& session);

 private:
  struct Session {
    HubSession who;
    int64_t expires_us;
  };
  // Consumes the nonce, then checks `signature` over `message`.
  absl::Status CheckSigned(const std::string& vault_id, const std::string& nonce,
                           const std::string& signature, const std::string& message,
                           const std::string& public_key, std::string_view whose);
  struct Bucket {
    double tokens;
    int64_t refilled_us;
  };
  void ExpireSessionsLocked(int64_t now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(session_mu_);

  const std::string token_hash_;  // BLAKE2b of the token; empty when none
  const std::string hub_id_;
  ChallengeTable challenges_;     // its own lock
  PeerRateLimiter before_login_;  // its own lock
  const int64_t session_lifetime_us_;
  absl::Mutex session_mu_;
  std::map<std::string, Session> sessions_ ABSL_GUARDED_BY(session_mu_);
  std::map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(session_mu_);  // per vault
};

}  // namespace haven

#endif  // HAVEN_SERVER_HUB_HUB_AUTH_H_
