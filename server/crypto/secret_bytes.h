// Key material in memory that libsodium guards: allocated with
// sodium_malloc (guard pages, canary, no core dumps where supported),
// locked, and wiped when freed.
#ifndef HAVEN_SERVER_CRYPTO_SECRET_BYTES_H_
#define HAVEN_SERVER_CRYPTO_SECRET_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

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
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }

 private:
  void Release();

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Overwrites, in place, a string that carried a secret across a boundary
// that only speaks strings (a passphrase or Secret Key in a gRPC request, a
// value read from the store). Copies made before it reached us are out of
// reach: docs/threat-model.md says which.
void WipeString(std::string* text);

// Wipes the strings it names when it goes out of scope: the secret fields
// of a request, whichever way the handler returns. The strings must outlive
// it. (They are wiped through const: gRPC hands handlers a const request
// that it allocated mutable and frees after the handler.)
class WipeOnExit {
 public:
  explicit WipeOnExit(std::initializer_list<const std::string*> texts) : texts_(texts) {}
  ~WipeOnExit();
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  std::vector<const std::string*> texts_;
};

}  // namespace haven

#endif  // HAVEN_SERVER_CRYPTO_SECRET_BYTES_H_
