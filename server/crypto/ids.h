// Random identifiers: vault ids and device ids are 16 random bytes shown as
// 32 lowercase hex characters; entry ids are 12 random bytes (24 hex).
#ifndef HAVEN_SERVER_CRYPTO_IDS_H_
#define HAVEN_SERVER_CRYPTO_IDS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace haven {

inline constexpr size_t kVaultIdBytes = 16;
inline constexpr size_t kDeviceIdBytes = 16;
inline constexpr size_t kEntryIdBytes = 12;

std::string RandomBytes(size_t n);
std::string HexEncode(std::string_view bytes);
// nullopt unless `hex` is lowercase or uppercase hex of even length.
std::optional<std::string> HexDecode(std::string_view hex);
std::string NewEntryId();  // hex

}  // namespace haven

#endif  // HAVEN_SERVER_CRYPTO_IDS_H_
