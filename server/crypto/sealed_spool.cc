#include "server/crypto/sealed_spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>  // strerror
#include <utility>

#include "absl/strings/str_cat.h"

namespace haven {
namespace {

using Stream = crypto_secretstream_xchacha20poly1305_state;

constexpr size_t kChunkBytes = 64 << 10;
constexpr size_t kMaxItemBytes = size_t{1} << 30;
constexpr size_t kLengthBytes = 4;
constexpr size_t kHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr size_t kOverhead = crypto_secretstream_xchacha20poly1305_ABYTES;

// Lengths are 4 bytes, little-endian.
void PutLength(char* out, size_t n) {
  for (size_t i = 0; i < kLengthBytes; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
}

size_t GetLength(const char* p) {
  size_t n = 0;
  for (size_t i = 0; i < kLengthBytes; ++i)
    n |= size_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return n;
}

absl::Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::ResourceExhaustedError(
          absl::StrCat("cannot write the import's scratch file: ", strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// Reads exactly `size` bytes; false at a clean end of file before any.
absl::StatusOr<bool> ReadExactly(int fd, char* out, size_t size) {
  size_t got = 0;
  while (got < size) {
    ssize_t n = read(fd, out + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return absl::InternalError(
          absl::StrCat("cannot read the import's scratch file: ", strerror(errno)));
    if (n == 0) {
      if (got == 0) return false;
      return absl::DataLossError("the import's scratch file is cut short");
    }
    got += static_cast<size_t>(n);
  }
  return true;
}

// An anonymous file in `dir`: never visible by name, gone when closed.
absl::StatusOr<int> OpenAnonymous(const std::string& dir) {
  int fd = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  // File systems without O_TMPFILE: a named file, unlinked at once.
  std::string name = dir + "/.import-XXXXXX";
  fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot create a scratch file in ", dir, ": ", strerror(errno)));
  }
  unlink(name.c_str());
  return fd;
}

}  // namespace

absl::StatusOr<SealedSpool> SealedSpool::Create(const std::string& dir) {
  EnsureSodium();
  auto fd = OpenAnonymous(dir);
  if (!fd.ok()) return fd.status();
  SealedSpool spool(*fd, SecretBytes::Random(crypto_secretstream_xchacha20poly1305_KEYBYTES));
  unsigned char header[kHeaderBytes];
  crypto_secretstream_xchacha20poly1305_init_push(spool.state(), header, spool.key_.data());
  absl::Status wrote = WriteAll(spool.fd_, {reinterpret_cast<char*>(header), sizeof header});
  if (!wrote.ok()) return wrote;
  return spool;
}

SealedSpool::SealedSpool(int fd, SecretBytes key)
    : fd_(fd), key_(std::move(key)), state_(sizeof(Stream)) {}

SealedSpool::SealedSpool(SealedSpool&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      key_(std::move(other.key_)),
      state_(std::move(other.state_)),
      reading_(other.reading_),
      ended_(other.ended_),
      chunk_(std::move(other.chunk_)),
      chunk_pos_(other.chunk_pos_),
      sealed_(std::move(other.sealed_)),
      items_(other.items_) {}

SealedSpool::~SealedSpool() {
  if (!chunk_.empty()) sodium_memzero(chunk_.data(), chunk_.size());
  if (fd_ >= 0) close(fd_);
}

absl::Status SealedSpool::Append(std::string_view item) {
  if (reading_) return absl::FailedPreconditionError("the spool is being read");
  if (item.size() > kMaxItemBytes) return absl::InvalidArgumentError("spool item too large");
  const size_t at = chunk_.size();
  chunk_.resize(at + kLengthBytes);
  PutLength(chunk_.data() + at, item.size());
  chunk_.append(item);
  ++items_;
  if (chunk_.size() >= kChunkBytes) return SealChunk(/*last=*/false);
  return absl::OkStatus();
}

absl::Status SealedSpool::SealChunk(bool last) {
  sealed_.resize(kLengthBytes + chunk_.size() + kOverhead);
  unsigned long long sealed_size = 0;
  crypto_secretstream_xchacha20poly1305_push(
      state(), reinterpret_cast<unsigned char*>(sealed_.data() + kLengthBytes), &sealed_size,
      reinterpret_cast<const unsigned char*>(chunk_.data()), chunk_.size(), nullptr, 0,
      last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
  PutLength(sealed_.data(), sealed_size);
  sodium_memzero(chunk_.data(), chunk_.size());
  chunk_.clear();
  return WriteAll(fd_, {sealed_.data(), kLengthBytes + sealed_size});
}

absl::Status SealedSpool::Rewind() {
  if (reading_) return absl::FailedPreconditionError("the spool is already being read");
  if (absl::Status s = SealChunk(/*last=*/true); !s.ok()) return s;
  reading_ = true;
  if (lseek(fd_, 0, SEEK_SET) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot rewind the import's scratch file: ", strerror(errno)));
  }
  unsigned char header[kHeaderBytes];
  auto got = ReadExactly(fd_, reinterpret_cast<char*>(header), sizeof header);
  if (!got.ok()) return got.status();
  if (!*got || crypto_secretstream_xchacha20poly1305_init_pull(state(), header, key_.data()) != 0) {
    return absl::DataLossError("the import's scratch file does not open");
  }
  chunk_pos_ = 0;
  return absl::OkStatus();
}

absl::Status SealedSpool::ReadChunk() {
  char length[kLengthBytes];
  auto got = ReadExactly(fd_, length, kLengthBytes);
  if (!got.ok()) return got.status();
  if (!*got) return absl::DataLossError("the import's scratch file ends before its last chunk");
  const size_t sealed_size = GetLength(length);
  if (sealed_size < kOverhead || sealed_size > kMaxItemBytes + kChunkBytes + kOverhead) {
    return absl::DataLossError("the import's scratch file holds a bad chunk length");
  }
  sealed_.resize(sealed_size);
  got = ReadExactly(fd_, sealed_.data(), sealed_size);
  if (!got.ok()) return got.status();
  if (!*got) return absl::DataLossError("the import's scratch file is cut short");
  chunk_.resize(sealed_size - kOverhead);
  unsigned long long plain_size = 0;
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(
          state(), reinterpret_cast<unsigned char*>(chunk_.data()), &plain_size, &tag,
          reinterpret_cast<const unsigned char*>(sealed_.data()), sealed_size, nullptr, 0) != 0) {
    return absl::DataLossError("the import's scratch file does not open");
  }
  chunk_.resize(plain_size);
  chunk_pos_ = 0;
  ended_ = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  return absl::OkStatus();
}

absl::StatusOr<bool> SealedSpool::Next(std::string* item) {
  if (!reading_) return absl::FailedPreconditionError("Rewind the spool before reading");
  while (chunk_pos_ == chunk_.size()) {
    if (ended_) return false;
    if (absl::Status s = ReadChunk(); !s.ok()) return s;
  }
  if (chunk_.size() - chunk_pos_ < kLengthBytes) {
    return absl::DataLossError("the import's scratch file holds a bad item");
  }
  const size_t size = GetLength(chunk_.data() + chunk_pos_);
  chunk_pos_ += kLengthBytes;
  if (chunk_.size() - chunk_pos_ < size) {
    return absl::DataLossError("the import's scratch file holds a bad item");
  }
  item->assign(chunk_, chunk_pos_, size);
  chunk_pos_ += size;
  return true;
}

}  // namespace haven
