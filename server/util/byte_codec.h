// Fixed-width little-endian integers and length-prefixed strings, written
// into a string and read back from a view that shrinks as it is read: the
// plaintext of sealed snapshots. Reading never goes past the end; a short
// input gives false and leaves the value alone.
#ifndef HAVEN_SERVER_UTIL_BYTE_CODEC_H_
#define HAVEN_SERVER_UTIL_BYTE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace haven {

template <typename T>
void PutFixed(std::string* out, T value) {
  static_assert(std::is_integral_v<T>);
  for (size_t i = 0; i < sizeof(T); ++i) {
    out->push_back(static_cast<char>(static_cast<uint64_t>(value) >> (8 * i)));
  }
}

template <typename T>
bool GetFixed(std::string_view* in, T* value) {
  static_assert(std::is_integral_v<T>);
  if (in->size() < sizeof(T)) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>((*in)[i])) << (8 * i);
  }
  *value = static_cast<T>(v);
  in->remove_prefix(sizeof(T));
  return true;
}

// `size` bytes off the front of `in`.
inline bool GetBytes(std::string_view* in, size_t size, std::string_view* bytes) {
  if (in->size() < size) return false;
  *bytes = in->substr(0, size);
  in->remove_prefix(size);
  return true;
}

}  // namespace haven

#endif  // HAVEN_SERVER_UTIL_BYTE_CODEC_H_
