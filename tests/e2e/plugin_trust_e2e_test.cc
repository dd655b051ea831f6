// A real havend refuses, before dlopen, a native plugin in a directory
// others can write (its constructor never runs), reports it where skipped
// plugins are reported, and loads the same library from a private one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/e2e/harness.h"

namespace haven::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class PluginTrustE2eTest : public ::testing::Test {
 protected:
  // A copy of the constructor_marker plugin in root()/<name>, a directory
  // of mode `dir_mode`.
  std::string Install(const std::string& name, mode_t dir_mode) {
    std::string dir = home_.Scratch(name);
    fs::create_directories(dir);
    fs::copy_file(std::string(HAVEN_TEST_PLUGIN_DIR) + "/constructor_marker.so",
                  dir + "/constructor_marker.so");
    chmod((dir + "/constructor_marker.so").c_str(), 0755);
    chmod(dir.c_str(), dir_mode);
    return dir;
  }
  // havend for the home with --plugin-dir `dir`; waits until it serves.
  std::unique_ptr<DaemonProcess> Start(const std::string& dir) {
    auto daemon = DaemonProcess::Start({"--home", home_.path(), "--plugin-dir", dir},
                                       {{"HAVEN_TEST_PLUGIN_MARKER", marker_}});
    EXPECT_TRUE(WaitUntil([&] {
      return daemon->Output().find("havend ready") != std::string::npos;
    })) << daemon->Output();
    return daemon;
  }

  TestHome home_;
  std::string marker_ = home_.Scratch("constructor-ran");
};

TEST_F(PluginTrustE2eTest, WorldWritablePluginDirIsSkippedBeforeAnyCodeRuns) {
  std::string dir = Install("open-plugins", 0777);
  auto daemon = Start(dir);
  std::string log = daemon->Output();
  EXPECT_THAT(log, HasSubstr("plugin skipped")) << log;
  EXPECT_THAT(log, HasSubstr("constructor_marker.so")) << log;
  EXPECT_THAT(log, HasSubstr("group- or world-writable")) << log;
  // `haven types` reports it too, and the type is not there.
  RunResult types = home_.Run({"types"});
  EXPECT_THAT(types.err, HasSubstr("group- or world-writable")) << types;
  EXPECT_THAT(types.out, Not(HasSubstr("constructor-marker"))) << types;
  daemon->Terminate();
  EXPECT_FALSE(fs::exists(marker_)) << "the plugin's constructor ran";
}

// The same library from a directory only its owner can write loads, and its
// constructor leaves the marker: the test above can see a load.
TEST_F(PluginTrustE2eTest, PrivatePluginDirLoads) {
  std::string dir = Install("private-plugins", 0755);
  auto daemon = Start(dir);
  RunResult types = home_.Run({"types"});
  EXPECT_THAT(types.out, HasSubstr("constructor-marker")) << types << daemon->Output();
  EXPECT_THAT(daemon->Output(), Not(HasSubstr("plugin skipped")));
  daemon->Terminate();
  EXPECT_TRUE(fs::exists(marker_));
}

}  // namespace
}  // namespace haven::e2e
