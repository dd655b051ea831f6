// The unary RPCs of the home socket's services, which the CLI makes with
// its own gRPC client (cli/grpc_call.h; docs/design.md, "The CLI's gRPC
// client"). Each is a constant kServiceMethod (kJournalList, kVaultUnlock,
// ...) naming the method as gRPC does and carrying the generated service's
// handler, from which its request and reply types follow: the CLI's call
// and the daemon's handler cannot disagree about them. Export and Import
// stream, and go through gRPC's own client.
#ifndef HAVEN_COMMON_DAEMON_METHODS_H_
#define HAVEN_COMMON_DAEMON_METHODS_H_

#include <grpcpp/support/status.h>

#include <string_view>

#include "haven/v1/daemon.grpc.pb.h"

namespace haven {

// clang-format off
#define HAVEN_JOURNAL_UNARY_METHODS(X) \
  X(Journal, Log) \
  X(Journal, List) \
  X(Journal, Show) \
  X(Journal, Edit) \
  X(Journal, Remove) \
  X(Journal, Restore) \
  X(Journal, Types) \
  X(Journal, ReloadTypes) \
  X(Journal, Stats) \
  X(Journal, Search)
#define HAVEN_PRACTICE_UNARY_METHODS(X) \
  X(Practice, Nudge) \
  X(Practice, SetReminder) \
  X(Practice, ListReminders) \
  X(Practice, RemoveReminder) \
  X(Practice, Reread)
#define HAVEN_VAULT_UNARY_METHODS(X) \
  X(Vault, Init) \
  X(Vault, Unlock) \
  X(Vault, Lock) \
  X(Vault, Info) \
  X(Vault, Doctor) \
  X(Vault, AddRemote) \
  X(Vault, RemoveRemote) \
  X(Vault, ListRemotes) \
  X(Vault, Sync) \
  X(Vault, Join) \
  X(Vault, ListDevices) \
  X(Vault, RenameDevice) \
  X(Vault, RevokeDevice) \
  X(Vault, Rekey) \
  X(Vault, ChangePassphrase) \
  X(Vault, ShowKit)
#define HAVEN_ADMIN_UNARY_METHODS(X) \
  X(Admin, Status) \
  X(Admin, Shutdown)
// clang-format on

// One unary method; Handler is the generated service's member function.
template <typename Handler>
struct UnaryMethod;

template <typename ServiceT, typename RequestT, typename ReplyT>
struct UnaryMethod<grpc::Status (ServiceT::*)(grpc::ServerContext*, const RequestT*, ReplyT*)> {
  using Service = ServiceT;
  using Request = RequestT;
  using Reply = ReplyT;
  std::string_view name;  // "/haven.v1.Journal/List", as gRPC names it
  grpc::Status (ServiceT::*handler)(grpc::ServerContext*, const RequestT*, ReplyT*);
};

#define HAVEN_DEFINE_UNARY_METHOD(service, method)                                          \
  inline constexpr UnaryMethod<decltype(&v1::service::Service::method)> k##service##method{ \
      "/haven.v1." #service "/" #method, &v1::service::Service::method};
HAVEN_JOURNAL_UNARY_METHODS(HAVEN_DEFINE_UNARY_METHOD)
HAVEN_PRACTICE_UNARY_METHODS(HAVEN_DEFINE_UNARY_METHOD)
HAVEN_VAULT_UNARY_METHODS(HAVEN_DEFINE_UNARY_METHOD)
HAVEN_ADMIN_UNARY_METHODS(HAVEN_DEFINE_UNARY_METHOD)
#undef HAVEN_DEFINE_UNARY_METHOD

}  // namespace haven

#endif  // HAVEN_COMMON_DAEMON_METHODS_H_
