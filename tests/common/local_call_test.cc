// The local call protocol's wire format (common/local_call.h) and its
// methods (common/local_methods.h): requests and replies survive the round
// trip; every length past its bound, a wrong magic, a code out of range, a
// body beside an error and every truncation are refused with what is
// wrong; each method constant names a real unary method of the services
// with the very message types its handler takes.
#include "common/local_call.h"

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <string>

#include "common/local_methods.h"

namespace haven {
namespace {

// Reads from `bytes` as a socket would, failing UNAVAILABLE at its end.
class StringReader {
 public:
  explicit StringReader(std::string bytes) : bytes_(std::move(bytes)) {}
  absl::Status operator()(char* out, size_t n) const {
    if (bytes_.size() - at_ < n) return absl::UnavailableError("closed");
    bytes_.copy(out, n, at_);
    at_ += n;
    return absl::OkStatus();
  }

 private:
  std::string bytes_;
  mutable size_t at_ = 0;
};

absl::StatusOr<LocalRequest> ParseRequest(const std::string& bytes) {
  StringReader reader(bytes);
  return ReadLocalRequest(reader);
}

absl::StatusOr<LocalReply> ParseReply(const std::string& bytes) {
  StringReader reader(bytes);
  return ReadLocalReply(reader);
}

std::string U32(uint32_t v) {
  return std::string{static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 24)};
}

TEST(LocalCallTest, ARequestRoundTrips) {
  const std::string body("\0body\xff", 6);
  auto request = ParseRequest(LocalRequestHead(kJournalList.name, body.size()) + body);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->method, "/haven.v1.Journal/List");
  EXPECT_EQ(request->body, body);
}

TEST(LocalCallTest, ARepliesCodeMessageDetailsAndBodyRoundTrip) {
  auto ok = ParseReply(LocalReplyHead(grpc::Status::OK, 3) + "abc");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_TRUE(ok->status.ok());
  EXPECT_EQ(ok->body, "abc");
  grpc::Status error(grpc::StatusCode::NOT_FOUND, "no entry 0a1b", std::string("\x08\x05", 2));
  auto failed = ParseReply(LocalReplyHead(error, 99));  // an error sends no body
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(failed->status.error_message(), "no entry 0a1b");
  EXPECT_EQ(failed->status.error_details(), std::string("\x08\x05", 2));
  EXPECT_TRUE(failed->body.empty());
}

TEST(LocalCallTest, AnOverlongMessageIsCutAndOverlongDetailsAreDropped) {
  grpc::Status error(grpc::StatusCode::INTERNAL, std::string(kMaxLocalMessageBytes + 10, 'x'),
                     std::string(kMaxLocalDetailsBytes + 1, 'd'));
  auto reply = ParseReply(LocalReplyHead(error, 0));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status.error_message().size(), kMaxLocalMessageBytes);
  EXPECT_TRUE(reply->status.error_details().empty());
  // A cut never splits a character: "é" is two bytes, the limit odd.
  std::string accents;
  while (accents.size() < kMaxLocalMessageBytes + 8) accents += "\xc3\xa9";
  auto cut = ParseReply(LocalReplyHead(grpc::Status(grpc::StatusCode::INTERNAL, "x" + accents), 0));
  ASSERT_TRUE(cut.ok()) << cut.status();
  EXPECT_EQ(cut->status.error_message().size(), kMaxLocalMessageBytes - 1);
  EXPECT_EQ(cut->status.error_message().back(), '\xa9');
}

TEST(LocalCallTest, ARequestPastABoundOrWithoutTheMagicIsInvalid) {
  for (const std::string& bytes :
       {std::string("hvn2") + U32(0) + U32(0), std::string("hvn1") + U32(kMaxLocalMethodBytes + 1),
        std::string("hvn1") + U32(4) + "/a/b" + U32(kMaxLocalBodyBytes + 1)}) {
    auto request = ParseRequest(bytes);
    EXPECT_TRUE(absl::IsInvalidArgument(request.status())) << request.status();
  }
}

TEST(LocalCallTest, AReplyPastABoundOrOutOfRangeIsMalformed) {
  const std::string empty = U32(0);
  for (const std::string& bytes :
       {U32(17) + empty + empty + empty, U32(0) + U32(kMaxLocalMessageBytes + 1),
        U32(0) + empty + U32(kMaxLocalDetailsBytes + 1),
        U32(0) + empty + empty + U32(kMaxLocalBodyBytes + 1),
        U32(5) + empty + empty + U32(1) + "x"}) {
    auto reply = ParseReply(bytes);
    EXPECT_TRUE(absl::IsInternal(reply.status())) << reply.status();
  }
}

TEST(LocalCallTest, EveryTruncationIsAReadErrorNeverAPartialCall) {
  const std::string request = LocalRequestHead("/m/n", 4) + "body";
  for (size_t cut = 0; cut < request.size(); ++cut) {
    EXPECT_TRUE(absl::IsUnavailable(ParseRequest(request.substr(0, cut)).status())) << cut;
  }
  const std::string reply = LocalReplyHead(grpc::Status::OK, 4) + "body";
  for (size_t cut = 0; cut < reply.size(); ++cut) {
    EXPECT_TRUE(absl::IsUnavailable(ParseReply(reply.substr(0, cut)).status())) << cut;
  }
}

// Each constant against the generated descriptors: the method exists, is
// unary, and takes and returns the types the constant carries.
template <typename Method>
void ExpectIsTheServicesUnaryMethod(const Method& method) {
  std::string name(method.name.substr(1));  // "haven.v1.Journal/List"
  name[name.find('/')] = '.';
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
  ASSERT_NE(descriptor, nullptr) << method.name;
  EXPECT_FALSE(descriptor->client_streaming() || descriptor->server_streaming()) << method.name;
  EXPECT_EQ(descriptor->input_type(), Method::Request::descriptor()) << method.name;
  EXPECT_EQ(descriptor->output_type(), Method::Reply::descriptor()) << method.name;
}

TEST(LocalMethodsTest, EachNamesAUnaryMethodWithItsHandlersTypes) {
  int count = 0;
#define HAVEN_EXPECT_METHOD(service, method)          \
  ExpectIsTheServicesUnaryMethod(k##service##method); \
  ++count;
  HAVEN_JOURNAL_LOCAL_CALLS(HAVEN_EXPECT_METHOD)
  HAVEN_PRACTICE_LOCAL_CALLS(HAVEN_EXPECT_METHOD)
  HAVEN_VAULT_LOCAL_CALLS(HAVEN_EXPECT_METHOD)
  HAVEN_ADMIN_LOCAL_CALLS(HAVEN_EXPECT_METHOD)
#undef HAVEN_EXPECT_METHOD
  // Every method of the home services but the two streams.
  int unary = 0;
  for (const char* service :
       {"haven.v1.Journal", "haven.v1.Practice", "haven.v1.Vault", "haven.v1.Admin"}) {
    const auto* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    ASSERT_NE(descriptor, nullptr) << service;
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const auto* m = descriptor->method(i);
      if (!m->client_streaming() && !m->server_streaming()) ++unary;
    }
  }
  EXPECT_EQ(count, unary) << "a unary method of the home services is not a local call";
}

}  // namespace
}  // namespace haven
