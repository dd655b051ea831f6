// Who may talk to a hub about a vault. Registration needs the hub token;
// after that a device proves it holds the vault's auth key by signing a
// fresh challenge, and gets a short-lived session bound to that one vault.
//
// Thread safety: all methods may be called from any thread.
#ifndef HAVEN_SERVER_HUB_HUB_AUTH_H_
#define HAVEN_SERVER_HUB_HUB_AUTH_H_

#include <map>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"

namespace haven {

inline constexpr std::string_view kHubAuthContext = "haven-hub-auth-v1";

class HubAuth {
 public:
  // `token` empty: the hub registers no new vaults.
  explicit HubAuth(std::string token);

  // PermissionDenied unless `token` equals the hub token (constant time).
  absl::Status CheckToken(std::string_view token) const;

  std::string NewChallenge(const std::string& vault_id);
  // Verifies the signature over (context || vault id || nonce) with the
  // vault's registered key; the nonce is single-use. Returns a session id.
  absl::StatusOr<std::string> Authenticate(const std::string& vault_id, const std::string& nonce,
                                           const std::string& signature,
                                           const std::string& public_key, int64_t* expires_us);
  // The vault a live session belongs to, after charging one request to the
  // vault's rate limit. Unauthenticated / ResourceExhausted.
  absl::StatusOr<std::string> VaultForSession(const std::string& session);
  // When a live session expires (unix us), charging nothing; Unauthenticated
  // when it is unknown or has expired. For streams that must end with it.
  absl::StatusOr<int64_t> SessionExpiresUs(const std::string& session);

 private:
  struct Pending {
    std::string vault_id;
    int64_t expires_us;
  };
  struct Bucket {
    double tokens;
    int64_t refilled_us;
  };
  void ExpireLocked(int64_t now);

  const std::string token_hash_;  // BLAKE2b of the token; empty when none
  std::mutex mu_;
  std::map<std::string, Pending> challenges_;
  std::map<std::string, Pending> sessions_;
  std::map<std::string, Bucket> buckets_;  // per vault
};

}  // namespace haven

#endif  // HAVEN_SERVER_HUB_HUB_AUTH_H_
