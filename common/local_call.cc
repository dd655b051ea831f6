#include "common/local_call.h"

#include <algorithm>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace haven {
namespace {

constexpr size_t kReadStep = 1 << 20;
constexpr uint32_t kMaxCode = 16;  // gRPC's codes: OK (0) to UNAUTHENTICATED (16)

void PutU32(std::string* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void PutString(std::string* out, std::string_view text) {
  PutU32(out, static_cast<uint32_t>(text.size()));
  out->append(text);
}

absl::StatusOr<uint32_t> GetU32(ReadBytes read) {
  unsigned char bytes[4];
  absl::Status s = read(reinterpret_cast<char*>(bytes), sizeof(bytes));
  if (!s.ok()) return s;
  return uint32_t{bytes[0]} | uint32_t{bytes[1]} << 8 | uint32_t{bytes[2]} << 16 |
         uint32_t{bytes[3]} << 24;
}

// A length and that many bytes; `make_error` names `what` when the length
// passes `bound`.
absl::StatusOr<std::string> GetString(ReadBytes read, size_t bound, std::string_view what,
                                      absl::Status (*make_error)(absl::string_view)) {
  absl::StatusOr<uint32_t> size = GetU32(read);
  if (!size.ok()) return size.status();
  if (*size > bound) {
    return make_error(std::string(what) + " of " + std::to_string(*size) +
                      " bytes is over its limit of " + std::to_string(bound));
  }
  std::string text;
  while (text.size() < *size) {
    size_t step = std::min<size_t>(kReadStep, *size - text.size());
    size_t at = text.size();
    text.resize(at + step);
    absl::Status s = read(text.data() + at, step);
    if (!s.ok()) return s;
  }
  return text;
}

// The first `limit` bytes of UTF-8 `text`, less the start of a character
// the cut would split.
std::string_view CutAtCharacter(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

std::string LocalRequestHead(std::string_view method, size_t body_size) {
  std::string head(kLocalCallMagic);
  PutString(&head, method);
  PutU32(&head, static_cast<uint32_t>(body_size));
  return head;
}

std::string LocalReplyHead(const grpc::Status& status, size_t body_size) {
  std::string head;
  PutU32(&head, static_cast<uint32_t>(status.error_code()));
  // Copies: grpc::Status returns both by value.
  const std::string message = status.error_message();
  PutString(&head, CutAtCharacter(message, kMaxLocalMessageBytes));
  const std::string details = status.error_details();
  PutString(&head, details.size() <= kMaxLocalDetailsBytes ? details : std::string());
  PutU32(&head, static_cast<uint32_t>(status.ok() ? body_size : 0));
  return head;
}

absl::StatusOr<LocalRequest> ReadLocalRequest(ReadBytes read) {
  char magic[4];
  absl::Status s = read(magic, sizeof(magic));
  if (!s.ok()) return s;
  if (std::string_view(magic, sizeof(magic)) != kLocalCallMagic) {
    return absl::InvalidArgumentError("not a local call: the request does not start with hvn1");
  }
  LocalRequest request;
  auto method = GetString(read, kMaxLocalMethodBytes, "a method name", absl::InvalidArgumentError);
  if (!method.ok()) return method.status();
  request.method = *std::move(method);
  auto body = GetString(read, kMaxLocalBodyBytes, "a request", absl::InvalidArgumentError);
  if (!body.ok()) return body.status();
  request.body = *std::move(body);
  return request;
}

absl::StatusOr<LocalReply> ReadLocalReply(ReadBytes read) {
  absl::StatusOr<uint32_t> code = GetU32(read);
  if (!code.ok()) return code.status();
  if (*code > kMaxCode) {
    return absl::InternalError("havend's reply has an unknown status code " +
                               std::to_string(*code));
  }
  auto message =
      GetString(read, kMaxLocalMessageBytes, "havend's error message", absl::InternalError);
  if (!message.ok()) return message.status();
  auto details =
      GetString(read, kMaxLocalDetailsBytes, "havend's error details", absl::InternalError);
  if (!details.ok()) return details.status();
  auto body = GetString(read, kMaxLocalBodyBytes, "havend's reply", absl::InternalError);
  if (!body.ok()) return body.status();
  if (*code != 0 && !body->empty()) {
    return absl::InternalError("havend's reply has a body with an error");
  }
  LocalReply reply;
  reply.status =
      grpc::Status(static_cast<grpc::StatusCode>(*code), *std::move(message), *std::move(details));
  reply.body = *std::move(body);
  return reply;
}

}  // namespace haven
