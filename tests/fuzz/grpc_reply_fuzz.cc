// grpc_reply_fuzz: the input is what arrives from the daemon's side of the
// socket during one of the CLI's unary calls (cli/grpc_call.h): HTTP/2
// frames, HPACK-coded headers and trailers, the reply's gRPC framing. The
// first byte sets how many bytes each read hands over, as a socket splits
// them anywhere. The call may fail, never crash, read past the input or
// take a reply past its bound; and how the bytes are split must not change
// how it ends (a call that is over in one split and waits in another is a
// CLI that hangs on a silent daemon).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cli/grpc_call.h"
#include "common/status.h"

namespace {

struct Ending {
  bool done;
  grpc::Status status;
  std::string reply;
};

Ending Run(std::string_view input, size_t chunk) {
  haven::cli::GrpcCall call("/haven.v1.Journal/List", "request", std::chrono::seconds(5));
  std::string out;
  call.TakeOutput(&out);
  while (!input.empty() && !call.done()) {
    call.Receive(input.substr(0, chunk));
    input.remove_prefix(std::min(chunk, input.size()));
    out.clear();
    call.TakeOutput(&out);  // as the socket loop does after every read
  }
  Ending end{call.done(), {}, {}};
  end.status = call.Finish(&end.reply);
  return end;
}

bool TooManyContinuations(const grpc::Status& s) {  // nghttp2 #2817: counts split frame headers
  return s.error_message().find("Too many CONTINUATION") != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > (1 << 20)) return 0;
  const size_t chunk = 1 + data[0] % 64 * 37;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Ending split = Run(input, chunk);
  const Ending whole = Run(input, input.size() + 1);
  for (const Ending* end : {&split, &whole}) {
    if (end->status.ok() && !end->done) std::abort();
    if (end->reply.size() > haven::cli::kMaxMessageBytes) std::abort();
    if (end->status.error_details().size() > haven::kMaxStatusDetailsBytes) std::abort();
  }
  if (TooManyContinuations(split.status) || TooManyContinuations(whole.status)) return 0;
  if (split.done != whole.done || split.status.error_code() != whole.status.error_code() ||
      split.reply != whole.reply) {
    std::abort();
  }
  return 0;
}
