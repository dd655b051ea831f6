// The CLI's connection to this home's havend over its Unix socket; starts
// the daemon when it is not running, as gpg does with gpg-agent.
#ifndef HAVEN_CLI_CLIENT_H_
#define HAVEN_CLI_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "haven/v1/daemon.grpc.pb.h"

namespace haven::cli {

// --home, else HAVEN_HOME, else $XDG_DATA_HOME/haven, else ~/.local/share/haven;
// made absolute.
std::string ResolveHome(const std::string& flag);

class DaemonClient {
 public:
  // Connects to HOME/havend.sock; with `start`, launches havend (from beside
  // this binary) when nothing answers and waits for it.
  static absl::StatusOr<std::unique_ptr<DaemonClient>> Connect(const std::string& home, bool start);
  // True when a daemon answers on the home's socket right now.
  static bool Running(const std::string& home);

  v1::Journal::Stub& journal() { return *journal_; }
  v1::Vault::Stub& vault() { return *vault_; }
  v1::Admin::Stub& admin() { return *admin_; }
  // Made at first use: most commands never call it.
  v1::Practice::Stub& practice() {
    if (!practice_) practice_ = v1::Practice::NewStub(channel_);
    return *practice_;
  }

  // Runs `call`; when the daemon answers that the vault is locked, unlocks
  // it with a passphrase (prompt or environment) and runs `call` once more.
  absl::Status WithUnlock(const std::function<grpc::Status()>& call);

 private:
  explicit DaemonClient(std::shared_ptr<grpc::Channel> channel);

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Journal::Stub> journal_;
  std::unique_ptr<v1::Vault::Stub> vault_;
  std::unique_ptr<v1::Admin::Stub> admin_;
  std::unique_ptr<v1::Practice::Stub> practice_;
};

}  // namespace haven::cli

#endif  // HAVEN_CLI_CLIENT_H_
