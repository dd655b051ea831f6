// Key material in memory that libsodium guards: allocated with
// sodium_malloc (guard pages, canary, no core dumps where supported),
// locked, and wiped when freed.
#ifndef HAVEN_SERVER_CRYPTO_SECRET_BYTES_H_
#define HAVEN_SERVER_CRYPTO_SECRET_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace haven {

// Initialises libsodium once; safe to call from any thread, any number of times.
void EnsureSodium();

// Move-only owner of a fixed-size secret buffer.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size);  // zero-filled
  static SecretBytes Random(size_t size);
  static SecretBytes CopyOf(std::string_view bytes);
  ~SecretBytes();

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(data_), size_};
  }

 private:
  void Release();

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace haven

#endif  // HAVEN_SERVER_CRYPTO_SECRET_BYTES_H_
