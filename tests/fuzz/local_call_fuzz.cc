// local_call_fuzz: the input is what arrives on a local call's connection
// (common/local_call.h), read once as a request (what havend reads from a
// client) and once as a reply (what the CLI reads from havend). Neither may
// crash, hang, read past the input or accept a length past its bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/local_call.h"

namespace {

// Reads from the input as a socket would; fails at its end.
class InputReader {
 public:
  explicit InputReader(std::string_view input) : input_(input) {}
  absl::Status operator()(char* out, size_t n) const {
    if (input_.size() < n) return absl::UnavailableError("end of input");
    input_.copy(out, n);
    input_.remove_prefix(n);
    return absl::OkStatus();
  }

 private:
  mutable std::string_view input_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  InputReader as_request(input);
  auto request = haven::ReadLocalRequest(as_request);
  if (request.ok() && (request->method.size() > haven::kMaxLocalMethodBytes ||
                       request->method.size() + request->body.size() > size)) {
    std::abort();
  }
  InputReader as_reply(input);
  auto reply = haven::ReadLocalReply(as_reply);
  if (reply.ok() && (reply->status.error_message().size() > haven::kMaxLocalMessageBytes ||
                     reply->status.error_details().size() > haven::kMaxLocalDetailsBytes ||
                     (!reply->status.ok() && !reply->body.empty()) || reply->body.size() > size)) {
    std::abort();
  }
  return 0;
}
