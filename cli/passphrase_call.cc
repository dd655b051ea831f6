#include "cli/passphrase_call.h"

#include "cli/passphrase.h"
#include "common/status.h"

namespace haven::cli {

absl::StatusOr<std::string> AskPassphrase(std::string_view prompt) {
  auto passphrase = ReadPassphrase(prompt, /*confirm=*/false);
  if (passphrase.status().code() == absl::StatusCode::kUnauthenticated) {
    return absl::UnauthenticatedError(
        "this needs your passphrase: type it on a terminal, or set HAVEN_PASSPHRASE_FILE");
  }
  return passphrase;
}

absl::Status CallWithPassphrase(DaemonClient& client, const std::string& passphrase,
                                const std::function<grpc::Status()>& call) {
  grpc::Status first = call();
  if (first.error_code() != grpc::StatusCode::UNAUTHENTICATED) return FromGrpc(first);
  v1::UnlockRequest req;
  req.set_passphrase(passphrase);
  v1::UnlockReply reply;
  grpc::Status unlocked = client.Call(kVaultUnlock, req, &reply);
  req.mutable_passphrase()->assign(req.passphrase().size(), '\0');
  if (!unlocked.ok()) return FromGrpc(unlocked);
  return FromGrpc(call());
}

}  // namespace haven::cli
