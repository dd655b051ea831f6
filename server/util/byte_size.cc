#include "server/util/byte_size.h"

#include <cctype>
#include <cstdio>

#include "absl/status/status.h"

namespace haven {
namespace {

constexpr uint64_t kMaxByteSize = uint64_t{1} << 60;

// The power of 1024 a unit names; -1 when it names none.
int UnitShift(std::string unit) {
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.empty() || unit == "B") return 0;
  static constexpr std::string_view kLetters = "KMGT";
  size_t power = kLetters.find(unit[0]);
  if (power == std::string_view::npos) return -1;
  std::string_view rest = std::string_view(unit).substr(1);
  if (rest.empty() || rest == "B" || rest == "IB") return static_cast<int>(10 * (power + 1));
  return -1;
}

}  // namespace

absl::StatusOr<uint64_t> ParseByteSize(std::string_view text, std::string_view field) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        std::string(field) + ": invalid size \"" + std::string(text) +
        "\": use a number of bytes or a number and unit like 512M, 2G, 64K (powers of 1024)");
  };
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 19) return bad();
  uint64_t number = 0;
  for (size_t i = 0; i < digits; ++i) number = number * 10 + static_cast<uint64_t>(text[i] - '0');
  int shift = UnitShift(std::string(text.substr(digits)));
  if (shift < 0 || number == 0) return bad();
  if (number > (kMaxByteSize >> shift)) return bad();
  return number << shift;
}

std::string FormatByteSize(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 5) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", value, kUnits[unit]);
  return buf;
}

}  // namespace haven
