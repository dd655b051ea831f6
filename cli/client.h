// The CLI's connection to this home's havend over its Unix socket; starts
// the daemon when it is not running, as gpg does with gpg-agent. Unary RPCs
// go through the CLI's own gRPC client (cli/grpc_call.h), streams through
// gRPC's (docs/design.md, "The CLI's gRPC client").
#ifndef HAVEN_CLI_CLIENT_H_
#define HAVEN_CLI_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/daemon_methods.h"
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

  ~DaemonClient();
  DaemonClient(const DaemonClient&) = delete;
  DaemonClient& operator=(const DaemonClient&) = delete;

  // One unary RPC, in gRPC's wire protocol (cli/grpc_call.h): `method` is
  // a constant of common/daemon_methods.h. The first call uses the
  // connection Connect made; each later one connects again. A positive
  // `timeout` bounds the whole call (DEADLINE_EXCEEDED) and goes to the
  // daemon as the call's deadline; by default it waits as long as the
  // daemon works on it.
  template <typename Method>
  grpc::Status Call(const Method& method, const typename Method::Request& request,
                    typename Method::Reply* reply,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds::zero()) {
    return CallBytes(method.name, request, reply, timeout);
  }

  // The gRPC stub for Journal's streaming calls (Export, Import); made at
  // first use, since setting up gRPC's client costs more than most commands.
  v1::Journal::Stub& journal();

  // Runs `call`; when the daemon answers that the vault is locked, unlocks
  // it with a passphrase (prompt or environment) and runs `call` once more.
  absl::Status WithUnlock(const std::function<grpc::Status()>& call);

 private:
  DaemonClient(std::string path, int fd)
      : path_(std::move(path)), fd_(fd), connected_at_(std::chrono::steady_clock::now()) {}
  grpc::Status CallBytes(std::string_view method, const google::protobuf::MessageLite& request,
                         google::protobuf::MessageLite* reply, std::chrono::milliseconds timeout);
  // The gRPC channel, made at first use.
  std::shared_ptr<grpc::Channel> Channel();
  // The connection Connect made while no call has used it (and it is at
  // most a few seconds old), else a new one; -1 when the daemon no longer
  // answers.
  int TakeConnection();

  const std::string path_;
  int fd_;  // Connect's connection until a call or the channel takes it
  const std::chrono::steady_clock::time_point connected_at_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Journal::Stub> journal_;
};

}  // namespace haven::cli

#endif  // HAVEN_CLI_CLIENT_H_
