// `haven export -o FILE` writes FILE.partial, created fresh and private,
// never through a symlink, then renames it: a planted or leftover
// FILE.partial is refused and nothing is touched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/e2e/harness.h"

namespace haven::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class ExportPartialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_.Init();
    home_.Log({"checkin", "-f", "mood=6"});
    out_ = home_.Scratch("export.json");
    victim_ = home_.Scratch("someone-elses-file");
    WriteFile(victim_, "precious\n", 0644);
  }
  // Refused in one line, exit 2; the victim, the planted path and FILE are
  // as they were.
  void ExpectRefusedAndNothingTouched(const RunResult& r) {
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_EQ(r.ErrLines(), 1) << r;
    EXPECT_THAT(r.err, HasSubstr(out_ + ".partial already exists")) << r;
    EXPECT_EQ(ReadFile(victim_), "precious\n");
    EXPECT_FALSE(fs::exists(out_)) << "the export was written after all";
  }
  TestHome home_;
  std::string out_, victim_;
};

TEST_F(ExportPartialTest, PlantedSymlinkIsRefusedAndItsTargetUnchanged) {
  fs::create_symlink(victim_, out_ + ".partial");
  ExpectRefusedAndNothingTouched(home_.Run({"export", "-o", out_}));
  EXPECT_TRUE(fs::is_symlink(out_ + ".partial"));
  EXPECT_EQ(fs::read_symlink(out_ + ".partial"), victim_);
}

TEST_F(ExportPartialTest, DanglingSymlinkIsRefusedAndNothingCreated) {
  std::string target = home_.Scratch("would-be-created");
  fs::create_symlink(target, out_ + ".partial");
  ExpectRefusedAndNothingTouched(home_.Run({"export", "-o", out_}));
  EXPECT_FALSE(fs::exists(target));
}

TEST_F(ExportPartialTest, LeftoverPartialIsRefusedAndKept) {
  WriteFile(out_ + ".partial", "an interrupted export\n", 0600);
  ExpectRefusedAndNothingTouched(home_.Run({"export", "-o", out_}));
  EXPECT_EQ(ReadFile(out_ + ".partial"), "an interrupted export\n");
}

TEST_F(ExportPartialTest, ExportReplacesFileButNotWhatASymlinkThereNamed) {
  // FILE itself may be a symlink: the rename replaces the link, never its target.
  fs::create_symlink(victim_, out_);
  RunResult r = home_.Run({"export", "-o", out_});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_FALSE(fs::is_symlink(out_));
  EXPECT_FALSE(fs::exists(out_ + ".partial"));
  EXPECT_EQ(ReadFile(victim_), "precious\n");
  nlohmann::json exported = nlohmann::json::parse(ReadFile(out_), nullptr, false);
  ASSERT_TRUE(exported.is_array()) << ReadFile(out_);
  EXPECT_EQ(exported.size(), 1u);
  struct stat st {};
  ASSERT_EQ(stat(out_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace haven::e2e
