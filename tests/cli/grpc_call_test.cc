// The CLI's gRPC call (cli/grpc_call.h) against a crafted daemon: nghttp2's
// server side answering with whatever headers, body and trailers a test
// gives, as a hostile or broken daemon could. Each answer gRPC's wire
// protocol allows maps to the code gRPC's own client gives; each bound
// and each malformed answer ends the call with a clear status.
#include "cli/grpc_call.h"

#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/grpc_wire.h"
#include "common/status.h"

namespace haven::cli {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// What the crafted daemon answers the call with.
struct Answer {
  Headers headers = {{":status", "200"}, {"content-type", "application/grpc"}};
  std::string body;           // sent as DATA
  Headers trailers;           // none: the body (or the headers) end the stream
  uint32_t reset = 0;         // an RST_STREAM code instead of any answer...
  bool reset_always = false;  // ...even NO_ERROR (0)
};

class CraftedDaemon {
 public:
  explicit CraftedDaemon(Answer answer) : answer_(std::move(answer)) {
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, OnFrame);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, OnHeader);
    nghttp2_option* options = nullptr;
    nghttp2_option_new(&options);
    nghttp2_option_set_max_send_header_block_length(options, 1 << 20);  // past the client's bound
    nghttp2_session_server_new2(&session_, callbacks, this, options);
    nghttp2_option_del(options);
    nghttp2_session_callbacks_del(callbacks);
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, nullptr, 0);
  }
  ~CraftedDaemon() { nghttp2_session_del(session_); }

  // Takes the client's bytes, returns the daemon's.
  std::string Exchange(std::string_view in) {
    nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(in.data()), in.size());
    std::string out;
    const uint8_t* bytes = nullptr;
    for (ssize_t n; (n = nghttp2_session_mem_send(session_, &bytes)) > 0;) {
      out.append(reinterpret_cast<const char*>(bytes), n);
    }
    return out;
  }

  Headers request_headers;

 private:
  static std::vector<nghttp2_nv> Fields(const Headers& headers) {
    std::vector<nghttp2_nv> fields;
    for (const auto& [name, value] : headers) {
      fields.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                        reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(),
                        value.size(), NGHTTP2_NV_FLAG_NONE});
    }
    return fields;
  }

  static int OnHeader(nghttp2_session*, const nghttp2_frame*, const uint8_t* name, size_t name_size,
                      const uint8_t* value, size_t value_size, uint8_t, void* self) {
    static_cast<CraftedDaemon*>(self)->request_headers.emplace_back(
        std::string(reinterpret_cast<const char*>(name), name_size),
        std::string(reinterpret_cast<const char*>(value), value_size));
    return 0;
  }

  static int OnFrame(nghttp2_session* session, const nghttp2_frame* frame, void* self) {
    if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0 || frame->hd.stream_id == 0) return 0;
    static_cast<CraftedDaemon*>(self)->Respond(session, frame->hd.stream_id);
    return 0;
  }

  static ssize_t ReadBody(nghttp2_session* session, int32_t stream, uint8_t* out, size_t size,
                          uint32_t* flags, nghttp2_data_source*, void* self) {
    auto* daemon = static_cast<CraftedDaemon*>(self);
    const std::string& body = daemon->answer_.body;
    const size_t n = std::min(size, body.size() - daemon->sent_);
    memcpy(out, body.data() + daemon->sent_, n);
    daemon->sent_ += n;
    if (daemon->sent_ == body.size()) {
      *flags |= NGHTTP2_DATA_FLAG_EOF;
      if (!daemon->answer_.trailers.empty()) {
        *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
        std::vector<nghttp2_nv> trailers = Fields(daemon->answer_.trailers);
        nghttp2_submit_trailer(session, stream, trailers.data(), trailers.size());
      }
    }
    return static_cast<ssize_t>(n);
  }

  void Respond(nghttp2_session* session, int32_t stream) {
    if (answer_.reset != 0 || answer_.reset_always) {
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, stream, answer_.reset);
      return;
    }
    std::vector<nghttp2_nv> headers = Fields(answer_.headers);
    if (answer_.body.empty() && answer_.trailers.empty()) {  // headers only
      nghttp2_submit_headers(session, NGHTTP2_FLAG_END_STREAM, stream, nullptr, headers.data(),
                             headers.size(), nullptr);
      return;
    }
    nghttp2_data_provider body{};
    body.read_callback = ReadBody;
    nghttp2_submit_response(session, stream, headers.data(), headers.size(), &body);
  }

  Answer answer_;
  size_t sent_ = 0;
  nghttp2_session* session_ = nullptr;
};

std::string Message(std::string_view bytes) {
  return GrpcMessagePrefix(bytes.size()) + std::string(bytes);
}

class GrpcCallTest : public ::testing::Test {
 protected:
  // Runs one call against a daemon answering `answer`: the status, and
  // the reply in `*reply`.
  grpc::Status Run(Answer answer, std::string* reply = nullptr,
                   std::chrono::milliseconds timeout = std::chrono::milliseconds::zero()) {
    daemon_ = std::make_unique<CraftedDaemon>(std::move(answer));
    GrpcCall call("/haven.v1.Journal/Show", "request", timeout);
    for (int round = 0; round < 100000 && !call.done(); ++round) {
      std::string out;
      call.TakeOutput(&out);
      std::string in = daemon_->Exchange(out);
      if (out.empty() && in.empty()) break;
      call.Receive(in);
    }
    std::string ignored;
    return call.Finish(reply != nullptr ? reply : &ignored);
  }

  std::unique_ptr<CraftedDaemon> daemon_;
};

Headers Trailers(std::string code, std::string message = "") {
  Headers trailers = {{"grpc-status", std::move(code)}};
  if (!message.empty()) trailers.emplace_back("grpc-message", std::move(message));
  return trailers;
}

TEST_F(GrpcCallTest, SendsAGrpcRequestWithItsDeadline) {
  Answer answer;
  answer.body = Message("r");
  answer.trailers = Trailers("0");
  ASSERT_TRUE(Run(answer, nullptr, std::chrono::milliseconds(250)).ok());
  const Headers& got = daemon_->request_headers;
  for (const auto& header : Headers{{":method", "POST"},
                                    {":path", "/haven.v1.Journal/Show"},
                                    {"content-type", "application/grpc"},
                                    {"te", "trailers"},
                                    {"grpc-timeout", "250m"}}) {
    EXPECT_NE(std::find(got.begin(), got.end(), header), got.end()) << header.first;
  }
}

TEST_F(GrpcCallTest, AReplyMessageAndStatusZeroAreTheReply) {
  Answer answer;
  answer.body = Message("the entry");
  answer.trailers = Trailers("0");
  std::string reply;
  grpc::Status status = Run(answer, &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reply, "the entry");
}

TEST_F(GrpcCallTest, AnErrorInTheHeadersAloneKeepsItsCodeAndDecodedMessage) {
  Answer answer;
  answer.headers.emplace_back("grpc-status", "5");
  answer.headers.emplace_back("grpc-message", "no entry %C3%A9 100%25");
  grpc::Status status = Run(answer);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "no entry é 100%");
}

TEST_F(GrpcCallTest, DetailsThatAreNotBase64OrOverTheirBoundAreDropped) {
  for (const std::string& details :
       {std::string("!!not base64!!"), std::string(4 * kMaxStatusDetailsBytes, 'A')}) {
    Answer answer;
    answer.headers.emplace_back("grpc-status", "3");
    answer.headers.emplace_back("grpc-status-details-bin", details);
    grpc::Status status = Run(answer);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_TRUE(status.error_details().empty());
  }
}

TEST_F(GrpcCallTest, AMalformedBodyIsInternalNamingWhy) {
  const std::pair<std::string, std::string> bodies[] = {
      {"", "holds no reply message"},
      {std::string("\1\0\0\0\1x", 6), "compressed"},
      {Message("one") + Message("two"), "more than one"},
      {Message("cut short").substr(0, 8), "cut short"},
  };
  for (const auto& [body, why] : bodies) {
    Answer answer;
    answer.body = body;
    answer.trailers = Trailers("0");
    grpc::Status status = Run(answer);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL) << why;
    EXPECT_NE(status.error_message().find(why), std::string::npos) << status.error_message();
  }
}

TEST_F(GrpcCallTest, WithoutAGrpcStatusTheCodeComesFromHttpOrTheReset) {
  Answer no_status;
  no_status.body = Message("x");
  EXPECT_EQ(Run(no_status).error_code(), grpc::StatusCode::UNKNOWN);
  const std::pair<int, grpc::StatusCode> http[] = {
      {400, grpc::StatusCode::INTERNAL},          {401, grpc::StatusCode::UNAUTHENTICATED},
      {403, grpc::StatusCode::PERMISSION_DENIED}, {404, grpc::StatusCode::UNIMPLEMENTED},
      {429, grpc::StatusCode::UNAVAILABLE},       {503, grpc::StatusCode::UNAVAILABLE},
      {500, grpc::StatusCode::UNKNOWN},
  };
  for (const auto& [code, expected] : http) {
    Answer answer;
    answer.headers = {{":status", std::to_string(code)}};
    EXPECT_EQ(Run(answer).error_code(), expected) << code;
  }
  const std::pair<uint32_t, grpc::StatusCode> resets[] = {
      {NGHTTP2_NO_ERROR, grpc::StatusCode::INTERNAL},
      {NGHTTP2_REFUSED_STREAM, grpc::StatusCode::UNAVAILABLE},
      {NGHTTP2_CANCEL, grpc::StatusCode::CANCELLED},
      {NGHTTP2_ENHANCE_YOUR_CALM, grpc::StatusCode::RESOURCE_EXHAUSTED},
      {NGHTTP2_INADEQUATE_SECURITY, grpc::StatusCode::PERMISSION_DENIED},
      {NGHTTP2_INTERNAL_ERROR, grpc::StatusCode::INTERNAL},
  };
  for (const auto& [code, expected] : resets) {
    Answer answer;
    answer.reset = code;
    answer.reset_always = true;
    EXPECT_EQ(Run(answer).error_code(), expected) << code;
  }
}

TEST_F(GrpcCallTest, HeadersPastTheirBoundEndTheCall) {
  Answer answer;
  for (int i = 0; i < 20; ++i)
    answer.headers.emplace_back("x-pad-" + std::to_string(i), std::string(4096, 'p'));
  answer.headers.emplace_back("grpc-status", "0");
  grpc::Status status = Run(answer);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("over 64 KiB"), std::string::npos);
}

TEST_F(GrpcCallTest, AReplyPastItsBoundIsResourceExhausted) {
  Answer answer;
  answer.body = Message(std::string(kMaxMessageBytes + 1, 'r'));
  answer.trailers = Trailers("0");
  grpc::Status status = Run(answer);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
}

TEST_F(GrpcCallTest, BytesThatAreNotHttp2AreInternal) {
  GrpcCall call("/haven.v1.Admin/Status", "", std::chrono::milliseconds::zero());
  std::string out;
  call.TakeOutput(&out);
  call.Receive("HTTP/1.1 400 Bad Request\r\n\r\n");
  ASSERT_TRUE(call.done());
  std::string reply;
  grpc::Status status = call.Finish(&reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("HTTP/2"), std::string::npos) << status.error_message();
}

TEST_F(GrpcCallTest, AConnectionClosedBeforeTheAnswerIsUnavailable) {
  GrpcCall call("/haven.v1.Admin/Status", "", std::chrono::milliseconds::zero());
  std::string out;
  call.TakeOutput(&out);
  EXPECT_FALSE(out.empty());
  EXPECT_FALSE(call.done());
  std::string reply;
  EXPECT_EQ(call.Finish(&reply).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(GrpcCallTest, AConnectionErrorEndsTheCallAtOnceInOneRead) {
  // SETTINGS, then DATA on the call's stream before its HEADERS: nghttp2
  // ends the session (GOAWAY) without calling the error callback.
  const std::string bytes(
      "\0\0\0\4\0\0\0\0\0"
      "\0\0\1\0\0\0\0\0\1x",
      19);
  GrpcCall call("/haven.v1.Admin/Status", "", std::chrono::milliseconds::zero());
  std::string out;
  call.TakeOutput(&out);
  call.Receive(bytes);
  call.TakeOutput(&out);
  ASSERT_TRUE(call.done());  // else the CLI waits for a daemon with nothing more to say
  std::string reply;
  EXPECT_EQ(call.Finish(&reply).error_code(), grpc::StatusCode::INTERNAL);
}

TEST_F(GrpcCallTest, AStatusInHeadersThatDoNotEndTheStreamIsNotTheAnswer) {
  Answer answer;
  answer.headers.emplace_back("grpc-status", "0");
  answer.body = Message("the entry");
  answer.trailers = {{"x-no-status", "1"}};
  EXPECT_EQ(Run(answer).error_code(), grpc::StatusCode::UNKNOWN);
}

TEST(GrpcWireTest, TimeoutsFitGrpcTimeoutsEightDigits) {
  EXPECT_EQ(GrpcTimeout(std::chrono::milliseconds(0)), "");
  EXPECT_EQ(GrpcTimeout(std::chrono::milliseconds(1500)), "1500m");
  EXPECT_EQ(GrpcTimeout(std::chrono::milliseconds(100'000'000)), "100000S");
  EXPECT_EQ(GrpcTimeout(std::chrono::hours(24 * 365 * 10'000)), "99999999S");
}

TEST(GrpcWireTest, AStatusCodeOutsideZeroToSixteenIsUnknown) {
  EXPECT_EQ(ParseGrpcStatusCode("0"), 0);
  EXPECT_EQ(ParseGrpcStatusCode("16"), 16);
  for (std::string_view value : {"17", "-1", "", "007", "1x", "99"}) {
    EXPECT_EQ(ParseGrpcStatusCode(value), 2) << value;
  }
}

TEST(GrpcWireTest, AMalformedEscapeStaysAsItIs) {
  EXPECT_EQ(PercentDecode("50%"), "50%");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(PercentDecode("%41%62"), "Ab");
}

}  // namespace
}  // namespace haven::cli
