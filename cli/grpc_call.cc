#include "cli/grpc_call.h"

#include <malloc.h>
#include <nghttp2/nghttp2.h>
#include <string.h>

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "cli/grpc_wire.h"
#include "cli/passphrase.h"
#include "common/status.h"

namespace haven::cli {
namespace {

// nghttp2's allocations go through these, so that what its buffers held
// (the request being framed, HPACK's tables) is wiped before it is freed.
void* Allocate(size_t size, void*) { return std::malloc(size); }
void* AllocateZeroed(size_t count, size_t size, void*) { return std::calloc(count, size); }
void Free(void* p, void*) {
  if (p == nullptr) return;
  explicit_bzero(p, malloc_usable_size(p));
  std::free(p);
}
void* Reallocate(void* p, size_t size, void*) {
  if (p == nullptr) return std::malloc(size);
  const size_t old_size = malloc_usable_size(p);
  void* moved = std::malloc(size);
  if (moved == nullptr) return nullptr;
  memcpy(moved, p, old_size < size ? old_size : size);
  Free(p, nullptr);
  return moved;
}
nghttp2_mem wiping_memory{nullptr, Allocate, Free, AllocateZeroed, Reallocate};

// The windows the daemon may fill before the CLI acknowledges: a reply of
// several megabytes (a long list, a Secret Key kit) comes in one go.
constexpr int32_t kWindowBytes = 16 << 20;

nghttp2_nv Field(std::string_view name, std::string_view value) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
          NGHTTP2_NV_FLAG_NONE};  // copied: the values live only until the request is submitted
}

}  // namespace

struct GrpcCallbacks {
  static int OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                      size_t name_size, const uint8_t* value, size_t value_size, uint8_t,
                      void* self) {
    auto* call = static_cast<GrpcCall*>(self);
    if (frame->hd.stream_id != call->stream_ || frame->hd.type != NGHTTP2_HEADERS) return 0;
    call->header_bytes_ += name_size + value_size;
    if (call->header_bytes_ > kMaxHeaderBytes) {
      call->FailInternal("havend's answer has headers over 64 KiB");
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    call->Header({reinterpret_cast<const char*>(name), name_size},
                 {reinterpret_cast<const char*>(value), value_size},
                 (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0);
    return 0;
  }

  static int OnData(nghttp2_session*, uint8_t, int32_t stream, const uint8_t* data, size_t size,
                    void* self) {
    auto* call = static_cast<GrpcCall*>(self);
    if (stream != call->stream_) return 0;
    call->Data({reinterpret_cast<const char*>(data), size});
    return call->failed_ ? NGHTTP2_ERR_CALLBACK_FAILURE : 0;
  }

  static int OnStreamClose(nghttp2_session*, int32_t stream, uint32_t error, void* self) {
    auto* call = static_cast<GrpcCall*>(self);
    if (stream != call->stream_) return 0;
    call->closed_ = true;
    call->close_code_ = error;  // REFUSED_STREAM when a GOAWAY left the call out
    return 0;
  }

  // The daemon's RST_STREAM on the call: its code says why, even NO_ERROR
  // (a reset before the trailers is never a complete answer). One after
  // the call has ended changes nothing: the answer is what came before, and
  // whether the reset arrived in the same read must not matter.
  static int OnFrameReceived(nghttp2_session*, const nghttp2_frame* frame, void* self) {
    auto* call = static_cast<GrpcCall*>(self);
    if (frame->hd.type == NGHTTP2_RST_STREAM && frame->hd.stream_id == call->stream_ &&
        !call->closed_) {
      call->reset_ = true;
      call->reset_code_ = frame->rst_stream.error_code;
    }
    return 0;
  }

  // nghttp2's word on what broke the connection (a frame too large, a bad
  // HPACK block): it then ends the session.
  static int OnError(nghttp2_session*, int, const char* message, size_t size, void* self) {
    auto* call = static_cast<GrpcCall*>(self);
    if (!call->closed_) {
      call->FailInternal("havend's HTTP/2 is malformed: " + std::string(message, size));
    }
    return 0;
  }

  // nghttp2 answers a connection error it finds in the daemon's bytes (a
  // DATA frame before the headers, a bad HPACK block, a bad SETTINGS or
  // WINDOW_UPDATE...) by ending the session with a GOAWAY of its own, often
  // without calling OnError: that GOAWAY ends the call, or the CLI would
  // wait on a daemon that has nothing more to say.
  static int OnFrameSend(nghttp2_session*, const nghttp2_frame* frame, void* self) {
    auto* call = static_cast<GrpcCall*>(self);
    if (frame->hd.type == NGHTTP2_GOAWAY && frame->goaway.error_code != NGHTTP2_NO_ERROR &&
        !call->closed_) {
      std::string why(reinterpret_cast<const char*>(frame->goaway.opaque_data),
                      frame->goaway.opaque_data_len);
      if (why.empty()) why = nghttp2_http2_strerror(frame->goaway.error_code);
      call->FailInternal("havend's HTTP/2 is malformed: " + why);
    }
    // The CLI resets its call only when the daemon's answer broke HTTP/2 on
    // that stream (DATA on a 204, a bad content-length, a bad trailer):
    // the daemon did not reset it, the CLI did.
    if (frame->hd.type == NGHTTP2_RST_STREAM && frame->hd.stream_id == call->stream_ &&
        !call->closed_) {
      call->FailInternal(std::string("havend's answer breaks HTTP/2: ") +
                         nghttp2_http2_strerror(frame->rst_stream.error_code));
    }
    return 0;
  }

  // A frame of the daemon's that breaks HTTP/2 on the call's stream or the
  // connection (response headers without :status, DATA on a 204, a bad
  // content-length...): nghttp2 resets the stream or ends the session, and
  // says so here first, before anything later in the same read (the
  // daemon's own RST_STREAM) can decide how the call ends.
  static int OnInvalidFrame(nghttp2_session*, const nghttp2_frame* frame, int lib_error,
                            void* self) {
    auto* call = static_cast<GrpcCall*>(self);
    if ((frame->hd.stream_id == 0 || frame->hd.stream_id == call->stream_) && !call->closed_) {
      call->FailInternal(std::string("havend's answer breaks HTTP/2: ") +
                         nghttp2_strerror(lib_error));
    }
    return 0;
  }

  static ssize_t ReadRequest(nghttp2_session*, int32_t, uint8_t* out, size_t size, uint32_t* flags,
                             nghttp2_data_source*, void* self) {
    return static_cast<ssize_t>(static_cast<GrpcCall*>(self)->ReadRequest(out, size, flags));
  }
};

GrpcCall::GrpcCall(std::string_view method, std::string request, std::chrono::milliseconds timeout)
    : request_(GrpcMessagePrefix(request.size()) + request) {
  Wipe(request);
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_option* options = nullptr;
  if (nghttp2_session_callbacks_new(&callbacks) != 0 || nghttp2_option_new(&options) != 0) {
    nghttp2_session_callbacks_del(callbacks);
    Fail(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "out of memory"));
    return;
  }
  nghttp2_session_callbacks_set_on_header_callback(callbacks, GrpcCallbacks::OnHeader);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, GrpcCallbacks::OnData);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, GrpcCallbacks::OnStreamClose);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, GrpcCallbacks::OnFrameReceived);
  nghttp2_session_callbacks_set_error_callback2(callbacks, GrpcCallbacks::OnError);
  nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, GrpcCallbacks::OnFrameSend);
  nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(callbacks,
                                                               GrpcCallbacks::OnInvalidFrame);
  // A daemon gets no pushed streams and a bounded run of CONTINUATION
  // frames (their bytes are bounded by OnHeader). Debian's nghttp2 counts
  // a frame header split across reads more than once, so the bound leaves
  // room for reads that split them.
  nghttp2_option_set_max_reserved_remote_streams(options, 0);
  nghttp2_option_set_max_continuations(options, 64);
  const int made = nghttp2_session_client_new3(&session_, callbacks, this, options, &wiping_memory);
  nghttp2_session_callbacks_del(callbacks);
  nghttp2_option_del(options);
  if (made != 0) {
    session_ = nullptr;
    Fail(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "out of memory"));
    return;
  }
  Submit(method, timeout);
}

GrpcCall::~GrpcCall() {
  nghttp2_session_del(session_);
  Wipe(request_);
  Wipe(body_);
}

void GrpcCall::Submit(std::string_view method, std::chrono::milliseconds timeout) {
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, kWindowBytes},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, kMaxHeaderBytes},
  };
  const std::string deadline = GrpcTimeout(timeout);
  std::vector<nghttp2_nv> headers = {
      Field(":method", "POST"),
      Field(":scheme", "http"),
      Field(":path", method),
      Field(":authority", "localhost"),
      Field("te", "trailers"),
      Field("content-type", "application/grpc"),
      Field("grpc-accept-encoding", "identity"),
  };
  if (!deadline.empty()) headers.push_back(Field("grpc-timeout", deadline));
  nghttp2_data_provider body{};
  body.read_callback = GrpcCallbacks::ReadRequest;
  if (nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings)) != 0 ||
      nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, kWindowBytes) != 0) {
    FailInternal("cannot start HTTP/2");
    return;
  }
  stream_ =
      nghttp2_submit_request(session_, nullptr, headers.data(), headers.size(), &body, nullptr);
  if (stream_ < 0) FailInternal("cannot start the call");
}

size_t GrpcCall::ReadRequest(uint8_t* out, size_t size, uint32_t* flags) {
  const size_t n = std::min(size, request_.size() - request_sent_);
  memcpy(out, request_.data() + request_sent_, n);
  request_sent_ += n;
  if (request_sent_ == request_.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return n;
}

void GrpcCall::TakeOutput(std::string* out) {
  while (session_ != nullptr && !failed_) {
    const uint8_t* bytes = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &bytes);
    if (n < 0) {
      FailInternal(std::string("HTTP/2 to havend failed: ") + nghttp2_strerror(n));
    }
    if (n <= 0) return;
    out->append(reinterpret_cast<const char*>(bytes), static_cast<size_t>(n));
  }
}

void GrpcCall::Receive(std::string_view bytes) {
  if (session_ == nullptr || failed_) return;
  const ssize_t n = nghttp2_session_mem_recv(
      session_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (!closed_ && (n < 0 || nghttp2_session_want_read(session_) == 0)) {
    FailInternal(std::string("havend's HTTP/2 is malformed: ") +
                 nghttp2_strerror(n < 0 ? static_cast<int>(n) : NGHTTP2_ERR_PROTO));
  }
}

void GrpcCall::Close() {
  if (session_ != nullptr) nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR);
}

bool GrpcCall::done() const { return failed_ || closed_; }

void GrpcCall::Fail(grpc::Status status) {
  if (failed_) return;
  failed_ = true;
  failure_ = std::move(status);
}

void GrpcCall::FailInternal(std::string message) {
  Fail(grpc::Status(grpc::StatusCode::INTERNAL, std::move(message)));
}

void GrpcCall::Header(std::string_view name, std::string_view value, bool ends_stream) {
  if (name == ":status") {
    http_status_ = ParseHttpStatus(value);
  } else if (!ends_stream) {
    return;  // the status is in the trailers (or a Trailers-Only answer), never the headers
  } else if (name == "grpc-status") {
    grpc_status_ = ParseGrpcStatusCode(value);
  } else if (name == "grpc-message") {
    grpc_message_ = PercentDecode(value);
  } else if (name == "grpc-status-details-bin") {
    details_base64_.assign(value);
  }
}

void GrpcCall::Data(std::string_view chunk) {
  const size_t need = body_.size() + chunk.size();
  if (need > kGrpcPrefixBytes + kMaxMessageBytes) {
    Wipe(body_);
    Fail(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "havend's reply is over 64 MiB"));
    return;
  }
  if (need > body_.capacity()) {
    // Grown by hand: std::string's own growth frees the old buffer, a
    // Secret Key's first bytes in ShowKit's reply, unwiped; and it would
    // double past the bound (128 MiB for a 64 MiB reply).
    std::string grown;
    grown.reserve(
        std::min(std::max(need, 2 * body_.capacity()), kGrpcPrefixBytes + kMaxMessageBytes));
    grown.assign(body_);
    Wipe(body_);
    body_.swap(grown);  // `grown` frees the old, wiped buffer
  }
  body_.append(chunk);
}

grpc::Status GrpcCall::Finish(std::string* reply) {
  if (failed_) return failure_;
  if (!closed_) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "havend closed the connection before it answered");
  }
  grpc::Status status = Answer();
  if (!status.ok()) return status;
  return ReplyMessage(reply);
}

grpc::Status GrpcCall::Answer() const {
  if (grpc_status_ >= 0) {
    std::string details;
    if (!absl::Base64Unescape(details_base64_, &details) ||
        details.size() > kMaxStatusDetailsBytes) {
      details.clear();  // as the daemon's own bound drops them
    }
    return grpc::Status(static_cast<grpc::StatusCode>(grpc_status_), grpc_message_, details);
  }
  if (http_status_ != 0 && http_status_ != 200) {
    return grpc::Status(CodeOfHttpStatus(http_status_),
                        "havend answered HTTP status " + std::to_string(http_status_));
  }
  if (reset_) {
    return grpc::Status(CodeOfReset(reset_code_), std::string("havend reset the call: ") +
                                                      nghttp2_http2_strerror(reset_code_));
  }
  if (close_code_ != NGHTTP2_NO_ERROR) {  // the daemon went away (GOAWAY) before it took the call
    return grpc::Status(CodeOfReset(close_code_), std::string("havend did not take the call: ") +
                                                      nghttp2_http2_strerror(close_code_));
  }
  return grpc::Status(grpc::StatusCode::UNKNOWN, "havend's answer has no grpc-status");
}

grpc::Status GrpcCall::ReplyMessage(std::string* reply) {
  absl::StatusOr<std::string_view> message = OneGrpcMessage(body_);
  if (!message.ok()) return ToGrpc(message.status());
  reply->assign(*message);
  return grpc::Status::OK;
}

}  // namespace haven::cli
