#include "server/daemon/local_call_server.h"

#include <grpcpp/server_context.h>
#include <sodium.h>

#include "common/local_call.h"
#include "common/status.h"
#include "server/daemon/memory.h"

namespace haven {
namespace {

// Wipes a request or reply's bytes once they are no longer needed: Unlock's
// holds a passphrase, ShowKit's the Secret Key.
void WipeBytes(std::string* bytes) {
  sodium_memzero(bytes->data(), bytes->size());
  bytes->clear();
}

}  // namespace

#define HAVEN_ADD_LOCAL_CALL(service_name, method) Add(k##service_name##method, service);
void LocalCallServer::AddJournal(v1::Journal::Service* service) {
  HAVEN_JOURNAL_LOCAL_CALLS(HAVEN_ADD_LOCAL_CALL)
}
void LocalCallServer::AddVault(v1::Vault::Service* service) {
  HAVEN_VAULT_LOCAL_CALLS(HAVEN_ADD_LOCAL_CALL)
}
void LocalCallServer::AddPractice(v1::Practice::Service* service) {
  HAVEN_PRACTICE_LOCAL_CALLS(HAVEN_ADD_LOCAL_CALL)
}
void LocalCallServer::AddAdmin(v1::Admin::Service* service){
    HAVEN_ADMIN_LOCAL_CALLS(HAVEN_ADD_LOCAL_CALL)}
#undef HAVEN_ADD_LOCAL_CALL

grpc::Status LocalCallServer::Run(const std::string& method, const std::string& body,
                                  std::string* reply) const {
  auto handler = handlers_.find(method);
  if (handler == handlers_.end()) {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "this daemon serves no such local call");
  }
  grpc::Status status = handler->second(body, reply);
  if (releaser_ != nullptr && IsBigCall(method)) releaser_->AfterBigCall();
  return status;
}

void LocalCallServer::Serve(int fd, SocketDeadline request_deadline) const {
  absl::StatusOr<LocalRequest> request = ReadLocalRequest(
      [&](char* out, size_t n) { return ReadExactly(fd, out, n, request_deadline); });
  if (!request.ok() && !absl::IsInvalidArgument(request.status())) return;  // gone or too slow
  std::string reply;
  grpc::Status status =
      request.ok() ? Run(request->method, request->body, &reply) : ToGrpc(request.status());
  if (request.ok()) WipeBytes(&request->body);
  const SocketDeadline reply_deadline = std::chrono::steady_clock::now() + kLocalReplyWithin;
  std::string bytes = LocalReplyHead(status, reply.size());
  if (status.ok()) bytes += reply;
  WipeBytes(&reply);
  (void)WriteAll(fd, bytes, reply_deadline);  // a client that left has nothing to hear
  WipeBytes(&bytes);
}

}  // namespace haven
