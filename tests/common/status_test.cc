// common/status.h and common/field_error.h: a field violation survives the
// trip through gRPC's error details, and nothing else is invented on the way.
#include "common/status.h"

#include <gtest/gtest.h>

#include "common/field_error.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace haven {
namespace {

TEST(FieldErrorTest, KeepsCodeAndMessageAndNamesTheField) {
  const absl::Status s =
      FieldError(absl::StatusCode::kInvalidArgument, "mood", "field \"mood\": must be 1 to 10");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "field \"mood\": must be 1 to 10");
  EXPECT_EQ(ViolatedField(s), "mood");
}

TEST(FieldErrorTest, PlainErrorsAndOkNameNoField) {
  EXPECT_EQ(ViolatedField(absl::OkStatus()), std::nullopt);
  EXPECT_EQ(ViolatedField(absl::InvalidArgumentError("field \"mood\": must be 1 to 10")),
            std::nullopt);
}

TEST(FieldErrorTest, AnUnparsablePayloadNamesNoField) {
  absl::Status s = absl::InvalidArgumentError("bad");
  s.SetPayload(absl::string_view(kBadRequestTypeUrl.data(), kBadRequestTypeUrl.size()),
               absl::Cord("\xff\xff\xff"));
  EXPECT_EQ(ViolatedField(s), std::nullopt);
}

TEST(InputErrorTest, NamesTheInputAndRelabelsForAClient) {
  const absl::Status s = InputError(absl::StatusCode::kInvalidArgument, "fields_json",
                                    "fields JSON", "expected a JSON object of field values");
  EXPECT_EQ(s.message(), "fields JSON: expected a JSON object of field values");
  EXPECT_EQ(ViolatedField(s), "fields_json");
  // Across gRPC and back, as the CLI sees it.
  const absl::Status relabelled = RelabelInput(FromGrpc(ToGrpc(s)), "fields_json", "--json");
  EXPECT_EQ(relabelled.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(relabelled.message(), "--json: expected a JSON object of field values");
  EXPECT_EQ(ViolatedField(relabelled), "fields_json");
}

TEST(InputErrorTest, RelabelLeavesOtherStatusesAlone) {
  const absl::Status other = InputError(absl::StatusCode::kInvalidArgument, "kdf", "kdf", "no");
  EXPECT_EQ(RelabelInput(other, "fields_json", "--json"), other);
  const absl::Status plain = absl::NotFoundError("no entry abc");
  EXPECT_EQ(RelabelInput(plain, "fields_json", "--json"), plain);
  EXPECT_TRUE(RelabelInput(absl::OkStatus(), "fields_json", "--json").ok());
}

TEST(StatusTest, RoundTripKeepsCodeMessageAndField) {
  const absl::Status original =
      FieldError(absl::StatusCode::kOutOfRange, "sleep", "field \"sleep\": at most 24, got 25");
  const grpc::Status wire = ToGrpc(original);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_EQ(wire.error_message(), "field \"sleep\": at most 24, got 25");
  EXPECT_FALSE(wire.error_details().empty());

  const absl::Status back = FromGrpc(wire);
  EXPECT_EQ(back.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(back.message(), "field \"sleep\": at most 24, got 25");
  EXPECT_EQ(ViolatedField(back), "sleep");
}

TEST(StatusTest, DetailsAreAGoogleRpcStatusWithABadRequest) {
  const grpc::Status wire =
      ToGrpc(FieldError(absl::StatusCode::kInvalidArgument, "mood", "field \"mood\": nope"));
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(wire.error_details()));
  EXPECT_EQ(details.code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(details.message(), "field \"mood\": nope");
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(), kBadRequestTypeUrl);
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(bad_request.ParseFromString(details.details(0).value()));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "mood");
  EXPECT_EQ(bad_request.field_violations(0).description(), "field \"mood\": nope");
}

// A field error quoting a long JSON key would pass gRPC's trailer bound
// with its details: it goes without them, keeping its code and message.
TEST(StatusTest, DetailsTooLargeForATrailerAreLeftOut) {
  const std::string key(3000, 'k');
  const grpc::Status wire =
      ToGrpc(FieldError(absl::StatusCode::kInvalidArgument, key, "unknown field \"" + key + "\""));
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(wire.error_message(), "unknown field \"" + key + "\"");
  EXPECT_TRUE(wire.error_details().empty());
  EXPECT_EQ(ViolatedField(FromGrpc(wire)), std::nullopt);
}

TEST(StatusTest, AnErrorWithoutPayloadsHasNoDetails) {
  const grpc::Status wire = ToGrpc(absl::NotFoundError("no entry abc"));
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(wire.error_message(), "no entry abc");
  EXPECT_TRUE(wire.error_details().empty());
  EXPECT_EQ(FromGrpc(wire), absl::NotFoundError("no entry abc"));
}

TEST(StatusTest, OkStaysOk) {
  EXPECT_TRUE(ToGrpc(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpc(grpc::Status::OK).ok());
}

TEST(StatusTest, GarbageDetailsGiveNoFieldAndNoCrash) {
  for (const std::string garbage :
       {std::string("\xff\xff\xff\xff"), std::string("not a proto at all"),
        std::string("\x1a\x05\x0a\x03\xff\xff", 6)}) {
    const absl::Status back =
        FromGrpc(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "field \"x\": bad", garbage));
    EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(back.message(), "field \"x\": bad");
    EXPECT_EQ(ViolatedField(back), std::nullopt);
  }
}

}  // namespace
}  // namespace haven
