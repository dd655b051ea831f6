// grpc_reply_fuzz: the input is what arrives from the daemon's side of the
// socket during one of the CLI's unary calls (cli/grpc_call.h): HTTP/2
// frames, HPACK-coded headers and trailers, the reply's gRPC framing. The
// first byte sets how many bytes each read hands over, as a socket splits
// them anywhere. The call may fail, never crash, hang, read past the input
// or take a reply past its bound; a reply it takes is one gRPC message.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cli/grpc_call.h"
#include "common/status.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > (1 << 20)) return 0;
  const size_t chunk = 1 + data[0] % 64 * 37;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  haven::cli::GrpcCall call("/haven.v1.Journal/List", "request", std::chrono::seconds(5));
  std::string out;
  call.TakeOutput(&out);
  while (!input.empty() && !call.done()) {
    call.Receive(input.substr(0, chunk));
    input.remove_prefix(std::min(chunk, input.size()));
    call.TakeOutput(&out);
    out.clear();
  }
  std::string reply;
  const grpc::Status status = call.Finish(&reply);
  if (status.ok() && !call.done()) std::abort();
  if (reply.size() > haven::cli::kMaxReplyBytes) std::abort();
  if (status.error_details().size() > haven::kMaxStatusDetailsBytes) std::abort();
  return 0;
}
