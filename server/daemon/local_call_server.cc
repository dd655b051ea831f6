#include "server/daemon/local_call_server.h"

#include <grpcpp/server_context.h>
#include <sodium.h>

#include <exception>

#include "common/local_call.h"
#include "common/status.h"
#include "server/daemon/memory.h"
#include "server/util/log.h"

namespace haven {
namespace {

// Wipes a request's or a reply's serialized bytes once they are no longer
// needed (Unlock's request holds a passphrase, ShowKit's reply the Secret
// Key); the parsed messages are freed unwiped, as under gRPC.
void WipeBytes(std::string* bytes) {
  sodium_memzero(bytes->data(), bytes->size());
  bytes->clear();
}

}  // namespace

// clang-format off
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
void LocalCallServer::AddAdmin(v1::Admin::Service* service) {
  HAVEN_ADMIN_LOCAL_CALLS(HAVEN_ADD_LOCAL_CALL)
}
#undef HAVEN_ADD_LOCAL_CALL
// clang-format on

grpc::Status LocalCallServer::SerializeReply(const google::protobuf::MessageLite& reply,
                                             std::string* out) {
  if (reply.ByteSizeLong() > kMaxLocalBodyBytes) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "the reply is over 64 MiB");
  }
  if (!reply.SerializeToString(out)) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "the reply does not serialize");
  }
  return grpc::Status::OK;
}

grpc::Status LocalCallServer::Run(const std::string& method, const std::string& body,
                                  std::string* reply) const {
  auto handler = handlers_.find(method);
  if (handler == handlers_.end()) {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "this daemon serves no such local call");
  }
  try {
    return handler->second(body, reply);
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "a local call failed", {{"method", method}, {"error", e.what()}});
  } catch (...) {
    Log(LogLevel::kError, "a local call failed", {{"method", method}});
  }
  WipeBytes(reply);
  return grpc::Status(grpc::StatusCode::UNKNOWN, "Unexpected error in RPC handling");
}

bool LocalCallServer::Answer(int fd, SocketDeadline request_deadline) const {
  absl::StatusOr<LocalRequest> request = ReadLocalRequest(
      [&](char* out, size_t n) { return ReadExactly(fd, out, n, request_deadline); });
  if (!request.ok() && !absl::IsInvalidArgument(request.status())) return false;  // gone, slow
  std::string reply;
  const grpc::Status status =
      request.ok() ? Run(request->method, request->body, &reply) : ToGrpc(request.status());
  const bool big = request.ok() && IsBigCall(request->method);
  if (request.ok()) WipeBytes(&request->body);
  // The head and the body apart: a big reply is not copied once more.
  const SocketDeadline reply_deadline = std::chrono::steady_clock::now() + kLocalReplyWithin;
  if (WriteAll(fd, LocalReplyHead(status, reply.size()), reply_deadline).ok() && status.ok()) {
    (void)WriteAll(fd, reply, reply_deadline);  // a client that left has nothing to hear
  }
  WipeBytes(&reply);
  return big;
}

void LocalCallServer::Serve(int fd, SocketDeadline request_deadline) const {
  const bool big = Answer(fd, request_deadline);
  // Once the request's and the reply's buffers are freed, as gRPC's
  // interceptor does when its call object goes.
  if (big && releaser_ != nullptr) releaser_->AfterBigCall();
}

}  // namespace haven
