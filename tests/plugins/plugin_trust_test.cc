// Native plugins are refused before dlopen (so before any constructor runs)
// when someone other than the daemon's user or root could have put them
// there: a writable file or directory, or another owner.
#include "server/plugins/plugin_trust.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "plugin_test_util.h"
#include "server/plugins/native_plugin.h"
#include "server/plugins/type_registry.h"

namespace haven {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::Message;
using testing::ScratchDir;

constexpr char kMarkerVariable[] = "HAVEN_TEST_PLUGIN_MARKER";

class PluginTrustTest : public ::testing::Test {
 protected:
  void SetUp() override {
    marker_ = tmp_.path() + "/constructor-ran";
    setenv(kMarkerVariable, marker_.c_str(), 1);
  }
  void TearDown() override { unsetenv(kMarkerVariable); }

  // A copy of the constructor_marker plugin in `dir` (made with `dir_mode`),
  // with `file_mode`. A copy, not a link: each test loads a fresh file.
  std::string Install(const std::string& dir_name, mode_t dir_mode, mode_t file_mode) {
    std::string dir = tmp_.Sub(dir_name);
    std::string file = dir + "/constructor_marker.so";
    fs::copy_file(std::string(HAVEN_TEST_PLUGIN_DIR) + "/constructor_marker.so", file);
    chmod(file.c_str(), file_mode);
    chmod(dir.c_str(), dir_mode);  // chmod: the umask does not apply
    return file;
  }

  // Loads `file` and expects a refusal containing `cause`, with the
  // constructor never run.
  void ExpectRefused(const std::string& file, const std::string& cause) {
    absl::StatusOr<NativePlugin> plugin = LoadNativePlugin(file);
    ASSERT_FALSE(plugin.ok()) << file << " was loaded";
    EXPECT_EQ(plugin.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(Message(plugin.status()), HasSubstr("refused before loading"));
    EXPECT_THAT(Message(plugin.status()), HasSubstr(cause));
    EXPECT_FALSE(fs::exists(marker_)) << "the plugin's constructor ran for " << file;
  }

  ScratchDir tmp_;
  std::string marker_;
};

TEST_F(PluginTrustTest, WorldWritableDirectoryIsRefusedBeforeAnyCodeRuns) {
  std::string file = Install("open", 0777, 0755);
  ExpectRefused(file, "directory " + fs::canonical(tmp_.path() + "/open").string() +
                          " is group- or world-writable (mode 0777)");
  // The registry reports it where every skipped plugin is reported.
  auto registry = TypeRegistry::Create({{tmp_.path() + "/open"}, {}});
  EXPECT_EQ(registry->Find("constructor-marker"), nullptr);
  ASSERT_EQ(registry->Problems().size(), 1u);
  EXPECT_EQ(registry->Problems()[0].source, file);
  EXPECT_THAT(registry->Problems()[0].reason, HasSubstr("group- or world-writable"));
  EXPECT_FALSE(fs::exists(marker_));
}

TEST_F(PluginTrustTest, GroupWritableDirectoryIsRefused) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to give a directory to a shared group";
  std::string file = Install("group", 0775, 0755);
  ASSERT_EQ(chown(fs::path(file).parent_path().c_str(), 0, 65534), 0);  // nogroup
  ExpectRefused(file, "is group- or world-writable (mode 0775)");
}

// Under the user-private-group convention (umask 002), group write on the
// owner's own group, which nobody else belongs to, is no way in.
TEST_F(PluginTrustTest, GroupWritableInTheOwnersPrivateGroupLoads) {
  std::string file = Install("private-group", 0775, 0775);
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  if (st.st_gid != getegid()) GTEST_SKIP() << "new files do not get this user's primary group";
  absl::StatusOr<std::string> trusted = TrustedPluginPath(file);
  if (!trusted.ok() && geteuid() != 0) GTEST_SKIP() << "this user's group is not private";
  EXPECT_TRUE(trusted.ok()) << trusted.status();
}

TEST_F(PluginTrustTest, WritableFileIsRefused) {
  std::string file = Install("shut", 0755, 0666);
  ExpectRefused(
      file, "file " + fs::canonical(file).string() + " is group- or world-writable (mode 0666)");
}

TEST_F(PluginTrustTest, SymlinkIsJudgedByTheFileItResolvesTo) {
  std::string target = Install("open", 0777, 0755);
  std::string link_dir = tmp_.Sub("trusted");
  chmod(link_dir.c_str(), 0755);
  fs::create_symlink(target, link_dir + "/linked.so");
  ExpectRefused(link_dir + "/linked.so", "group- or world-writable");
}

TEST_F(PluginTrustTest, FileOwnedByAnotherUserIsRefused) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to give a file to another user";
  std::string file = Install("theirs", 0755, 0755);
  ASSERT_EQ(chown(file.c_str(), 65534, 65534), 0);
  ExpectRefused(file, "is owned by uid 65534");
}

TEST_F(PluginTrustTest, DirectoryOwnedByAnotherUserIsRefused) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to give a directory to another user";
  std::string file = Install("their-dir", 0755, 0755);
  ASSERT_EQ(chown(fs::path(file).parent_path().c_str(), 65534, 65534), 0);
  ExpectRefused(file, "is owned by uid 65534");
}

// The other half of the proof: the same library, kept private, loads and
// its constructor leaves the marker (so the refusals above are real).
TEST_F(PluginTrustTest, PrivateCopyLoadsAndItsConstructorRuns) {
  std::string file = Install("private", 0755, 0755);
  absl::StatusOr<NativePlugin> plugin = LoadNativePlugin(file);
  ASSERT_TRUE(plugin.ok()) << plugin.status();
  ASSERT_EQ(plugin->types.size(), 1u);
  EXPECT_EQ(plugin->types[0].id, "constructor-marker");
  EXPECT_TRUE(fs::exists(marker_));
}

TEST_F(PluginTrustTest, TrustedPathIsTheResolvedFile) {
  std::string file = Install("private", 0755, 0755);
  std::string link = tmp_.path() + "/link.so";
  fs::create_symlink(file, link);
  absl::StatusOr<std::string> resolved = TrustedPluginPath(link);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(*resolved, fs::canonical(file).string());
  EXPECT_THAT(Message(TrustedPluginPath(tmp_.path() + "/missing.so").status()),
              HasSubstr("cannot resolve"));
}

}  // namespace
}  // namespace haven
