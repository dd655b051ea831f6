// cli/kit.cc: the emergency kit's join line (a line a shell runs as it
// reads), its text, JSON and printable page (every value escaped), and the
// new private file it is written to (never over an existing one).
#include "cli/kit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/store/temp_dir.h"

namespace haven::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kVault[] = "0123456789abcdef0123456789abcdef";
constexpr char kKey[] = "H1-ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789";

Kit OneHub() { return Kit{kVault, kKey, {{"hub", "hub.example.org:7443", "", false}}}; }

TEST(KitTest, JoinLineIsTheJoinCommandWithATokenPlaceholder) {
  Kit kit = OneHub();
  EXPECT_EQ(JoinLine(kit, &kit.remotes[0]),
            std::string("haven join hub.example.org:7443 --vault ") + kVault + " --secret-key " +
                kKey + " --token TOKEN");
}

TEST(KitTest, JoinLineCarriesTheRemotesTlsChoice) {
  Kit kit{
      kVault,
      kKey,
      {{"a", "10.0.0.5:7443", "/etc/haven/hub ca.pem", false}, {"b", "10.0.0.6:7443", "", true}}};
  EXPECT_THAT(JoinLine(kit, &kit.remotes[0]), HasSubstr(" --ca '/etc/haven/hub ca.pem'"));
  EXPECT_THAT(JoinLine(kit, &kit.remotes[1]), HasSubstr(" --token TOKEN --insecure"));
  EXPECT_THAT(JoinLine(kit, nullptr), HasSubstr("haven join HOST:PORT --vault"));
}

TEST(KitTest, ShellWordQuotesWhatAShellWouldRead) {
  EXPECT_EQ(ShellWord("hub.example.org:7443"), "hub.example.org:7443");
  EXPECT_EQ(ShellWord("a b"), "'a b'");
  EXPECT_EQ(ShellWord("$(rm -rf ~)"), "'$(rm -rf ~)'");
  EXPECT_EQ(ShellWord("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellWord(""), "''");
}

TEST(KitTest, TextShowsIdKeyHubsAndWhereTheTokenIs) {
  std::string text = KitText(OneHub());
  EXPECT_THAT(text, HasSubstr(std::string("  vault id    ") + kVault + "\n"));
  EXPECT_THAT(text, HasSubstr(std::string("  Secret Key  ") + kKey + "\n"));
  EXPECT_THAT(text, HasSubstr("  hub         hub  hub.example.org:7443\n"));
  EXPECT_THAT(text, HasSubstr("  haven join hub.example.org:7443 "));
  EXPECT_THAT(text, HasSubstr("TOKEN is the hub's token"));
  EXPECT_THAT(KitText(Kit{kVault, kKey, {}}), HasSubstr("no hub yet"));
}

TEST(KitTest, JsonHasTheDocumentedKeys) {
  nlohmann::json out = KitJson(OneHub());
  EXPECT_EQ(out["vault_id"], kVault);
  EXPECT_EQ(out["secret_key"], kKey);
  EXPECT_EQ(out["remotes"],
            nlohmann::json::parse(R"([{"name":"hub","address":"hub.example.org:7443"}])"));
  ASSERT_EQ(out["join"].size(), 1u);
  EXPECT_EQ(out["join"][0], JoinLine(OneHub(), &OneHub().remotes[0]));
}

TEST(KitTest, HtmlPageIsSelfContainedAndEscapesEveryValue) {
  Kit kit{kVault, kKey, {{"<script>alert(1)</script>", "h\"ost:1", "", false}}};
  std::string page = KitHtml(kit, "2026-12-05 <now>");
  EXPECT_THAT(page, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(page, HasSubstr(kKey));
  EXPECT_THAT(page, HasSubstr(kVault));
  EXPECT_THAT(page, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(page, HasSubstr("h&quot;ost:1"));
  EXPECT_THAT(page, HasSubstr("2026-12-05 &lt;now&gt;"));
  EXPECT_THAT(page, Not(HasSubstr("<script")));
  EXPECT_THAT(page, Not(HasSubstr("http://")));
  EXPECT_THAT(page, Not(HasSubstr("https://")));
  EXPECT_THAT(page, HasSubstr("default-src 'none'"));
  EXPECT_THAT(page, Not(HasSubstr("`")));  // markdown quotes read badly on paper
}

TEST(KitTest, WritesANewFileReadableOnlyByItsOwner) {
  haven::testing::TempDir dir;
  std::string path = dir.Join("kit.html");
  mode_t old_umask = umask(0);
  absl::Status s = WriteNewPrivateFile(path, "<p>kit</p>", "-o");
  umask(old_umask);
  ASSERT_TRUE(s.ok()) << s;
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "<p>kit</p>");
}

TEST(KitTest, NeverOverwritesOrFollowsASymlink) {
  haven::testing::TempDir dir;
  std::string path = dir.Join("kit.html");
  std::ofstream(path) << "keep me";
  absl::Status s = WriteNewPrivateFile(path, "new", "-o");
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(s.message()), HasSubstr("-o: " + path + " already exists"));
  std::ifstream in(path);
  std::string kept;
  std::getline(in, kept);
  EXPECT_EQ(kept, "keep me");

  std::string target = dir.Join("elsewhere");
  std::string link = dir.Join("link.html");
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  EXPECT_EQ(WriteNewPrivateFile(link, "new", "-o").code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(access(target.c_str(), F_OK), 0);  // nothing made through the link
}

TEST(KitTest, AMissingDirectoryIsOneLineNamingTheFlag) {
  absl::Status s = WriteNewPrivateFile("/nonexistent-haven-dir/kit.html", "x", "-o");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("-o: /nonexistent-haven-dir/kit.html: "));
}

}  // namespace
}  // namespace haven::cli
