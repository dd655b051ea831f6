// The import's scratch spool: items come back in order across chunk
// boundaries, the file has no name and holds no plaintext, and a file
// altered behind the spool's back fails to read instead of yielding items.
#include "server/crypto/sealed_spool.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace haven {
namespace {

constexpr std::string_view kMarker = "spool-marker-7c1e";

class SealedSpoolTest : public ::testing::Test {
 protected:
  SealedSpoolTest() {
    std::string pattern = (std::filesystem::temp_directory_path() / "spool-XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
  }
  ~SealedSpoolTest() override { std::filesystem::remove_all(dir_); }

  // /proc/self/fd/N of the open files that live in dir_ (by name or anonymous).
  std::vector<std::string> FilesInDir() const {
    std::vector<std::string> found;
    for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
      std::error_code ec;
      auto target = std::filesystem::read_symlink(fd.path(), ec);
      if (!ec && target.string().rfind(dir_ + "/", 0) == 0) found.push_back(fd.path().string());
    }
    return found;
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  // The spool has no item left to read.
  static void ExpectEnd(SealedSpool& spool) {
    std::string item;
    auto more = spool.Next(&item);
    ASSERT_TRUE(more.ok()) << more.status();
    EXPECT_FALSE(*more) << "an item after the end: " << item;
  }

  std::string dir_;
};

TEST_F(SealedSpoolTest, ItemsComeBackInOrderAcrossChunks) {
  auto spool = SealedSpool::Create(dir_);
  ASSERT_TRUE(spool.ok()) << spool.status();
  std::vector<std::string> items = {"", "one", std::string(200 << 10, 'b'), "two"};
  for (int i = 0; i < 3000; ++i) items.push_back("entry " + std::to_string(i));
  for (const auto& item : items) ASSERT_TRUE(spool->Append(item).ok());
  EXPECT_EQ(spool->items(), items.size());
  ASSERT_TRUE(spool->Rewind().ok());
  std::string item;
  for (const auto& want : items) {
    auto more = spool->Next(&item);
    ASSERT_TRUE(more.ok()) << more.status();
    ASSERT_TRUE(*more);
    ASSERT_EQ(item, want);
  }
  ExpectEnd(*spool);
}

TEST_F(SealedSpoolTest, EmptySpoolReadsNothing) {
  auto spool = SealedSpool::Create(dir_);
  ASSERT_TRUE(spool.ok());
  ASSERT_TRUE(spool->Rewind().ok());
  ExpectEnd(*spool);
}

TEST_F(SealedSpoolTest, FileHasNoNameAndNoPlaintextAndGoesAway) {
  {
    auto spool = SealedSpool::Create(dir_);
    ASSERT_TRUE(spool.ok());
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(spool->Append(std::string(kMarker) + "!").ok());
    ASSERT_TRUE(spool->Rewind().ok());
    EXPECT_TRUE(std::filesystem::is_empty(dir_)) << "the scratch file must have no name";
    auto open = FilesInDir();
    ASSERT_EQ(open.size(), 1u);
    std::string bytes = ReadFile(open[0]);
    EXPECT_GT(bytes.size(), 100 * kMarker.size());
    EXPECT_EQ(bytes.find(kMarker), std::string::npos);
  }
  EXPECT_TRUE(FilesInDir().empty());
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

TEST_F(SealedSpoolTest, AlteredFileFailsToRead) {
  auto spool = SealedSpool::Create(dir_);
  ASSERT_TRUE(spool.ok());
  ASSERT_TRUE(spool->Append("first item").ok());
  ASSERT_TRUE(spool->Rewind().ok());
  auto open = FilesInDir();
  ASSERT_EQ(open.size(), 1u);
  int fd = ::open(open[0].c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  const off_t last = lseek(fd, -1, SEEK_END);
  char byte = 0;
  ASSERT_EQ(pread(fd, &byte, 1, last), 1);
  byte ^= 0x01;
  ASSERT_EQ(pwrite(fd, &byte, 1, last), 1);
  close(fd);
  std::string item;
  auto more = spool->Next(&item);
  EXPECT_EQ(more.status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(SealedSpoolTest, AppendAfterRewindIsRefused) {
  auto spool = SealedSpool::Create(dir_);
  ASSERT_TRUE(spool.ok());
  ASSERT_TRUE(spool->Rewind().ok());
  EXPECT_EQ(spool->Append("late").code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SealedSpoolTest, MissingDirectoryIsAnError) {
  auto spool = SealedSpool::Create(dir_ + "/missing");
  EXPECT_FALSE(spool.ok());
}

}  // namespace
}  // namespace haven
