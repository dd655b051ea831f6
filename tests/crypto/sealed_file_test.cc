// A byte string sealed whole into a named file: it reads back only with
// the key and associated data it was sealed for, only whole (a file cut,
// extended, altered or reordered does not read), holds no plaintext, and
// replaces the old file at once.
#include "server/crypto/sealed_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace haven {
namespace {

constexpr size_t kMax = 1 << 20;

class SealedFileTest : public ::testing::Test {
 protected:
  SealedFileTest() : key_(SecretBytes::Random(32)) {
    std::string pattern = (std::filesystem::temp_directory_path() / "sealed-XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
    path_ = dir_ + "/index.snapshot";
  }
  ~SealedFileTest() override { std::filesystem::remove_all(dir_); }

  std::string Raw() const {
    std::ifstream in(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void SetRaw(const std::string& bytes) const {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
  }
  absl::StatusOr<std::string> Read(std::string_view ad = "ad") const {
    return ReadSealedFile(path_, key_, ad, kMax);
  }

  SecretBytes key_;
  std::string dir_;
  std::string path_;
};

// Text over several 64 KiB chunks, with a marker to look for on disk.
std::string Text(size_t size) {
  std::string text;
  while (text.size() < size) text += "snapshot-marker-3f9a " + std::to_string(text.size()) + "\n";
  text.resize(size);
  return text;
}

TEST_F(SealedFileTest, ReadsBackWhatWasWrittenAndNoPlaintextOnDisk) {
  for (size_t size : {size_t{0}, size_t{10}, size_t{64 << 10}, size_t{200'000}}) {
    const std::string text = Text(size);
    ASSERT_TRUE(WriteSealedFile(path_, key_, "ad", text).ok());
    auto read = Read();
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(*read, text);
    EXPECT_EQ(Raw().find("snapshot-marker"), std::string::npos);
  }
  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
}

TEST_F(SealedFileTest, OnlyTheSameKeyAndAssociatedDataOpenIt) {
  ASSERT_TRUE(WriteSealedFile(path_, key_, "ad", Text(1000)).ok());
  EXPECT_EQ(Read("other").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ReadSealedFile(path_, SecretBytes::Random(32), "ad", kMax).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_TRUE(Read().ok());
}

TEST_F(SealedFileTest, ACutExtendedOrAlteredFileDoesNotRead) {
  ASSERT_TRUE(WriteSealedFile(path_, key_, "ad", Text(150'000)).ok());
  const std::string good = Raw();
  for (size_t cut : {size_t{0}, size_t{10}, size_t{30}, good.size() / 2, good.size() - 1}) {
    SetRaw(good.substr(0, cut));
    EXPECT_EQ(Read().status().code(), absl::StatusCode::kDataLoss) << cut;
  }
  SetRaw(good + "x");
  EXPECT_EQ(Read().status().code(), absl::StatusCode::kDataLoss);
  for (size_t at : {size_t{3}, size_t{26}, size_t{40}, good.size() - 3}) {
    std::string altered = good;
    altered[at] = static_cast<char>(altered[at] ^ 1);
    SetRaw(altered);
    EXPECT_EQ(Read().status().code(), absl::StatusCode::kDataLoss) << at;
  }
  SetRaw(good);
  EXPECT_TRUE(Read().ok());
}

TEST_F(SealedFileTest, ChunksInAnotherOrderDoNotRead) {
  ASSERT_TRUE(WriteSealedFile(path_, key_, "ad", Text(3 * (64 << 10))).ok());
  const std::string good = Raw();
  // Header 24 bytes, then chunks of 4 + 64 KiB + 17 bytes: swap the first two.
  const size_t header = 24, chunk = 4 + (64 << 10) + 17;
  std::string swapped = good.substr(0, header) + good.substr(header + chunk, chunk) +
                        good.substr(header, chunk) + good.substr(header + 2 * chunk);
  ASSERT_EQ(swapped.size(), good.size());
  SetRaw(swapped);
  EXPECT_EQ(Read().status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(SealedFileTest, MissingIsNotFoundAndTooLargeIsRefused) {
  EXPECT_EQ(Read().status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(WriteSealedFile(path_, key_, "ad", Text(5000)).ok());
  EXPECT_EQ(ReadSealedFile(path_, key_, "ad", 4999).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(ReadSealedFile(path_, key_, "ad", 5000).ok());
}

TEST_F(SealedFileTest, TheSnapshotKeyIsItsOwnSubkey) {
  const SecretBytes vault_key = SecretBytes::Random(32);
  const SecretBytes a = IndexSnapshotKey(vault_key);
  EXPECT_EQ(a.view(), IndexSnapshotKey(vault_key).view());
  EXPECT_NE(a.view(), IndexSnapshotKey(SecretBytes::Random(32)).view());
  EXPECT_NE(a.view(), vault_key.view());
}

}  // namespace
}  // namespace haven
