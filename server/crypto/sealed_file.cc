#include "server/crypto/sealed_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>  // strerror

#include "absl/strings/str_cat.h"

namespace haven {
namespace {

using Stream = crypto_secretstream_xchacha20poly1305_state;

constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "havenvlt";
constexpr uint64_t kSnapshotSubkey = 5;
constexpr size_t kChunkBytes = 64 << 10;
constexpr size_t kLengthBytes = 4;
constexpr size_t kHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr size_t kOverhead = crypto_secretstream_xchacha20poly1305_ABYTES;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

void PutLength(std::string* out, size_t n) {
  for (size_t i = 0; i < kLengthBytes; ++i)
    out->push_back(static_cast<char>((n >> (8 * i)) & 0xff));
}

size_t GetLength(std::string_view p) {
  size_t n = 0;
  for (size_t i = 0; i < kLengthBytes; ++i)
    n |= size_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return n;
}

absl::Status IoError(const char* what, const std::string& path) {
  return absl::InternalError(absl::StrCat("cannot ", what, " ", path, ": ", strerror(errno)));
}

absl::Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError("write", path);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// The whole sealed file, header and chunks, in memory.
std::string Seal(const SecretBytes& key, std::string_view ad, std::string_view plain) {
  SecretBytes state(sizeof(Stream));
  auto* stream = reinterpret_cast<Stream*>(state.data());
  std::string out(kHeaderBytes, '\0');
  crypto_secretstream_xchacha20poly1305_init_push(
      stream, reinterpret_cast<unsigned char*>(out.data()), key.data());
  do {
    const std::string_view chunk = plain.substr(0, kChunkBytes);
    plain.remove_prefix(chunk.size());
    const unsigned char tag = plain.empty() ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0;
    PutLength(&out, chunk.size() + kOverhead);
    const size_t at = out.size();
    out.resize(at + chunk.size() + kOverhead);
    crypto_secretstream_xchacha20poly1305_push(
        stream, reinterpret_cast<unsigned char*>(out.data() + at), nullptr, Bytes(chunk),
        chunk.size(), Bytes(ad), ad.size(), tag);
  } while (!plain.empty());
  return out;
}

absl::StatusOr<std::string> Open(const SecretBytes& key, std::string_view ad,
                                 std::string_view sealed, size_t max_bytes) {
  const auto bad = [] { return absl::DataLossError("the sealed file does not open"); };
  SecretBytes state(sizeof(Stream));
  auto* stream = reinterpret_cast<Stream*>(state.data());
  if (sealed.size() < kHeaderBytes ||
      crypto_secretstream_xchacha20poly1305_init_pull(stream, Bytes(sealed), key.data()) != 0) {
    return bad();
  }
  sealed.remove_prefix(kHeaderBytes);
  std::string plain;
  unsigned char tag = 0;
  while (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
    if (sealed.size() < kLengthBytes) return bad();
    const size_t size = GetLength(sealed);
    sealed.remove_prefix(kLengthBytes);
    if (size < kOverhead || size > kChunkBytes + kOverhead || size > sealed.size() ||
        plain.size() + size - kOverhead > max_bytes) {
      return bad();
    }
    const size_t at = plain.size();
    plain.resize(at + size - kOverhead);
    if (crypto_secretstream_xchacha20poly1305_pull(
            stream, reinterpret_cast<unsigned char*>(plain.data() + at), nullptr, &tag,
            Bytes(sealed), size, Bytes(ad), ad.size()) != 0) {
      return bad();
    }
    sealed.remove_prefix(size);
  }
  if (!sealed.empty()) return bad();  // bytes after the final chunk
  return plain;
}

absl::StatusOr<std::string> ReadAll(const std::string& path, size_t limit) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError("no sealed file at " + path);
    return IoError("open", path);
  }
  std::string bytes;
  char buffer[1 << 16];
  while (true) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status error = IoError("read", path);
      close(fd);
      return error;
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
    if (bytes.size() > limit) {
      close(fd);
      return absl::DataLossError("the sealed file is larger than allowed");
    }
  }
  close(fd);
  return bytes;
}

}  // namespace

SecretBytes IndexSnapshotKey(const SecretBytes& vault_key) {
  SecretBytes out(crypto_secretstream_xchacha20poly1305_KEYBYTES);
  crypto_kdf_derive_from_key(out.data(), out.size(), kSnapshotSubkey, kContext, vault_key.data());
  return out;
}

absl::Status WriteSealedFile(const std::string& path, const SecretBytes& key, std::string_view ad,
                             std::string_view plain) {
  EnsureSodium();
  const std::string sealed = Seal(key, ad, plain);
  const std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("create", tmp);
  absl::Status status = WriteAll(fd, sealed, tmp);
  if (status.ok() && fsync(fd) != 0) status = IoError("sync", tmp);
  if (close(fd) != 0 && status.ok()) status = IoError("close", tmp);
  if (status.ok() && rename(tmp.c_str(), path.c_str()) != 0) status = IoError("rename", tmp);
  if (!status.ok()) unlink(tmp.c_str());
  return status;
}

absl::StatusOr<std::string> ReadSealedFile(const std::string& path, const SecretBytes& key,
                                           std::string_view ad, size_t max_bytes) {
  EnsureSodium();
  const size_t chunks = max_bytes / kChunkBytes + 1;
  auto sealed = ReadAll(path, kHeaderBytes + max_bytes + chunks * (kLengthBytes + kOverhead));
  if (!sealed.ok()) return sealed.status();
  return Open(key, ad, *sealed, max_bytes);
}

}  // namespace haven
