// One unary gRPC call, in gRPC's own wire protocol, for the CLI's calls to
// its daemon (docs/design.md, "The CLI's gRPC client"). nghttp2 does the
// HTTP/2: framing, HPACK, flow control, SETTINGS and PING answers. This
// class makes the request gRPC's way (POST to the method's path,
// content-type application/grpc, te: trailers, the request message with
// gRPC's 5-byte prefix, grpc-timeout) and reads the answer as gRPC's client
// would: grpc-status, the percent-encoded grpc-message and the base64
// grpc-status-details-bin from the trailers, the one reply message from
// the body.
//
// It does no I/O: TakeOutput gives the bytes to send and Receive takes the
// bytes read, so the socket loop (cli/client.cc) bounds the waiting and a
// fuzz target (tests/fuzz/grpc_reply_fuzz.cc) feeds it hostile bytes.
//
// Everything the daemon sends is bounded: the reply message to
// kMaxMessageBytes (RESOURCE_EXHAUSTED past it, as gRPC's client says), its
// headers and trailers to kMaxHeaderBytes, the error details to
// kMaxStatusDetailsBytes (dropped past it). Bytes that break HTTP/2 or
// gRPC's framing end the call with INTERNAL naming the cause; the
// connection closing before the answer, with UNAVAILABLE. Every buffer
// that held the request or the reply (a passphrase in Unlock's, a Secret
// Key in ShowKit's), nghttp2's own included, is wiped before it is freed.
//
// Thread safety: one thread at a time.
#ifndef HAVEN_CLI_GRPC_CALL_H_
#define HAVEN_CLI_GRPC_CALL_H_

#include <grpcpp/support/status.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

struct nghttp2_session;

namespace haven::cli {

inline constexpr size_t kMaxMessageBytes = 64 << 20;  // either way: the home server's own limit
inline constexpr size_t kMaxHeaderBytes = 64 << 10;   // headers and trailers, together

class GrpcCall {
 public:
  // `method` as gRPC names it ("/haven.v1.Journal/List"); `request` the
  // serialized request message (at most kMaxMessageBytes, the daemon's
  // limit too); a positive `timeout` is sent as grpc-timeout, so the daemon
  // gives up when the caller does.
  GrpcCall(std::string_view method, std::string request, std::chrono::milliseconds timeout);
  ~GrpcCall();
  GrpcCall(const GrpcCall&) = delete;
  GrpcCall& operator=(const GrpcCall&) = delete;

  // Appends the bytes to send to the daemon now (HTTP/2's preface and
  // SETTINGS, the request, acknowledgements, window updates) to `*out`.
  void TakeOutput(std::string* out);
  // Hands over bytes read from the daemon.
  void Receive(std::string_view bytes);
  // True once the answer is complete or the call has failed; then the
  // caller stops reading.
  bool done() const;
  // Ends the connection politely (HTTP/2's GOAWAY), for TakeOutput to
  // send before the socket is closed: the daemon then frees it at once.
  void Close();
  // The call's status; with OK, the reply message's bytes in `*reply`.
  // Before done(), the connection closed too early: UNAVAILABLE.
  grpc::Status Finish(std::string* reply);

 private:
  friend struct GrpcCallbacks;  // nghttp2's callbacks, in grpc_call.cc

  void Fail(grpc::Status status);
  void FailInternal(std::string message);  // Fail with INTERNAL
  void Header(std::string_view name, std::string_view value, bool ends_stream);
  void Data(std::string_view chunk);
  size_t ReadRequest(uint8_t* out, size_t size, uint32_t* flags);
  void Submit(std::string_view method, std::chrono::milliseconds timeout);
  grpc::Status Answer() const;
  grpc::Status ReplyMessage(std::string* reply);

  nghttp2_session* session_ = nullptr;
  int32_t stream_ = -1;
  std::string request_;  // gRPC's prefix and the request message
  size_t request_sent_ = 0;
  std::string body_;  // the reply's DATA, as received
  size_t header_bytes_ = 0;
  int http_status_ = 0;
  int grpc_status_ = -1;  // -1 until the trailers name one
  std::string grpc_message_;
  std::string details_base64_;
  bool reset_ = false;       // the daemon reset the call's stream
  uint32_t reset_code_ = 0;  // with that RST_STREAM's error code
  uint32_t close_code_ = 0;  // the stream's end as nghttp2 saw it
  bool closed_ = false;
  bool failed_ = false;
  grpc::Status failure_;
};

}  // namespace haven::cli

#endif  // HAVEN_CLI_GRPC_CALL_H_
