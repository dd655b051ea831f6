// The daemon's end of the local call protocol (docs/design.md, "Local
// calls"; the wire format in common/local_call.h): the CLI's unary RPCs,
// run by the same service objects as the home gRPC server, with the same
// requests, replies, codes and error details. Only the services added here
// are served: a hub adds Admin alone.
//
// Thread safety: Add* before the first Serve; Serve from any number of
// threads at once.
#ifndef HAVEN_SERVER_DAEMON_LOCAL_CALL_SERVER_H_
#define HAVEN_SERVER_DAEMON_LOCAL_CALL_SERVER_H_

#include <chrono>
#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "common/local_call.h"
#include "common/local_methods.h"
#include "common/socket_io.h"

namespace haven {

class MemoryReleaser;

// How long a served connection may take to send its whole request, and
// then to take its reply.
inline constexpr std::chrono::seconds kLocalRequestWithin{10};
inline constexpr std::chrono::seconds kLocalReplyWithin{10};

class LocalCallServer {
 public:
  // `releaser` (may be null) gives memory back after calls that go
  // through the whole history, as the gRPC servers' interceptor does.
  explicit LocalCallServer(MemoryReleaser* releaser) : releaser_(releaser) {}

  void AddJournal(v1::Journal::Service* service);
  void AddVault(v1::Vault::Service* service);
  void AddPractice(v1::Practice::Service* service);
  void AddAdmin(v1::Admin::Service* service);

  // Reads one call from `fd` (its whole request before `request_deadline`),
  // runs it and writes the reply. A request that breaks the protocol's
  // bounds is answered with its error; a connection that fails or times
  // out is left unanswered. The caller closes `fd`.
  void Serve(int fd, SocketDeadline request_deadline) const;

 private:
  // Parses the request body, runs the handler, serializes the reply.
  using Handler = std::function<grpc::Status(const std::string& body, std::string* reply)>;

  template <typename Method>
  void Add(const Method& method, typename Method::Service* service) {
    handlers_[std::string(method.name)] = [service, handler = method.handler](
                                              const std::string& body, std::string* out) {
      typename Method::Request request;
      if (!request.ParseFromString(body)) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "the request does not parse");
      }
      typename Method::Reply reply;
      grpc::ServerContext context;  // the handlers read nothing of it
      grpc::Status status = (service->*handler)(&context, &request, &reply);
      return status.ok() ? SerializeReply(reply, out) : status;
    };
  }
  // The reply's bytes; RESOURCE_EXHAUSTED past kMaxLocalBodyBytes, as
  // gRPC's message limit would be.
  static grpc::Status SerializeReply(const google::protobuf::MessageLite& reply, std::string* out);
  // Runs `method`'s handler; an exception it throws is the call's UNKNOWN
  // error, as under gRPC, never the daemon's end.
  grpc::Status Run(const std::string& method, const std::string& body, std::string* reply) const;
  // Reads, runs and answers one call; true when it was a big call (see
  // IsBigCall), whose memory is given back once all of it is freed.
  bool Answer(int fd, SocketDeadline request_deadline) const;

  MemoryReleaser* const releaser_;
  absl::flat_hash_map<std::string, Handler> handlers_;
};

}  // namespace haven

#endif  // HAVEN_SERVER_DAEMON_LOCAL_CALL_SERVER_H_
