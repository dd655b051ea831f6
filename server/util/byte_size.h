// Sizes as operators type them on a command line ("512M", "2G", "1048576")
// and as haven prints them in messages ("1.0 GiB").
#ifndef HAVEN_SERVER_UTIL_BYTE_SIZE_H_
#define HAVEN_SERVER_UTIL_BYTE_SIZE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace haven {

// A whole number of bytes, optionally followed by one binary unit: K, M, G
// or T (also KiB/MiB/GiB/TiB and KB/MB/GB/TB, all powers of 1024; case
// does not matter). At least 1 byte and at most 2^60. InvalidArgument, with
// a message naming `field` and the accepted forms, for anything else.
absl::StatusOr<uint64_t> ParseByteSize(std::string_view text, std::string_view field);

// "1.0 GiB", "512.0 MiB", "64.0 KiB", "100 bytes": the largest binary unit
// that leaves at least 1, one decimal.
std::string FormatByteSize(uint64_t bytes);

}  // namespace haven

#endif  // HAVEN_SERVER_UTIL_BYTE_SIZE_H_
