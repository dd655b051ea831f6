#include "cli/grpc_wire.h"

#include <nghttp2/nghttp2.h>

#include "absl/status/status.h"

namespace haven::cli {
namespace {

// The largest number grpc-timeout may carry: eight digits.
constexpr int64_t kMaxTimeoutValue = 99'999'999;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string GrpcMessagePrefix(size_t message_size) {
  const auto size = static_cast<uint32_t>(message_size);
  return {'\0', static_cast<char>(size >> 24), static_cast<char>(size >> 16),
          static_cast<char>(size >> 8), static_cast<char>(size)};
}

absl::StatusOr<std::string_view> OneGrpcMessage(std::string_view body) {
  if (body.size() < kGrpcPrefixBytes) {
    return absl::InternalError("havend's answer holds no reply message");
  }
  if (body[0] != 0) return absl::InternalError("havend's reply is compressed, which was not asked");
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(body[i])); };
  const size_t size = byte(1) << 24 | byte(2) << 16 | byte(3) << 8 | byte(4);
  const size_t held = body.size() - kGrpcPrefixBytes;
  if (size > held) return absl::InternalError("havend's reply message is cut short");
  if (size < held) return absl::InternalError("havend's answer holds more than one reply message");
  return body.substr(kGrpcPrefixBytes);
}

std::string GrpcTimeout(std::chrono::milliseconds timeout) {
  const int64_t ms = timeout.count();
  if (ms <= 0) return "";
  if (ms <= kMaxTimeoutValue) return std::to_string(ms) + "m";
  const int64_t seconds = ms / 1000;
  return std::to_string(seconds < kMaxTimeoutValue ? seconds : kMaxTimeoutValue) + "S";
}

int ParseGrpcStatusCode(std::string_view value) {
  if (value.empty() || value.size() > 2) return static_cast<int>(grpc::StatusCode::UNKNOWN);
  int code = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return static_cast<int>(grpc::StatusCode::UNKNOWN);
    code = code * 10 + (c - '0');
  }
  return code <= 16 ? code : static_cast<int>(grpc::StatusCode::UNKNOWN);
}

int ParseHttpStatus(std::string_view value) {
  if (value.size() != 3) return 0;
  int status = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return 0;
    status = status * 10 + (c - '0');
  }
  return status;
}

std::string PercentDecode(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    const int high = i + 2 < value.size() && value[i] == '%' ? HexDigit(value[i + 1]) : -1;
    const int low = high >= 0 ? HexDigit(value[i + 2]) : -1;
    if (low < 0) {
      out.push_back(value[i]);
      continue;
    }
    out.push_back(static_cast<char>(high << 4 | low));
    i += 2;
  }
  return out;
}

grpc::StatusCode CodeOfHttpStatus(int http_status) {
  switch (http_status) {
    case 400:
      return grpc::StatusCode::INTERNAL;
    case 401:
      return grpc::StatusCode::UNAUTHENTICATED;
    case 403:
      return grpc::StatusCode::PERMISSION_DENIED;
    case 404:
      return grpc::StatusCode::UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return grpc::StatusCode::UNAVAILABLE;
    default:
      return grpc::StatusCode::UNKNOWN;
  }
}

grpc::StatusCode CodeOfReset(uint32_t http2_error) {
  switch (http2_error) {
    case NGHTTP2_REFUSED_STREAM:
      return grpc::StatusCode::UNAVAILABLE;
    case NGHTTP2_CANCEL:
      return grpc::StatusCode::CANCELLED;
    case NGHTTP2_ENHANCE_YOUR_CALM:
      return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case NGHTTP2_INADEQUATE_SECURITY:
      return grpc::StatusCode::PERMISSION_DENIED;
    default:
      return grpc::StatusCode::INTERNAL;
  }
}

}  // namespace haven::cli
