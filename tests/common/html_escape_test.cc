#include "common/html_escape.h"

#include <gtest/gtest.h>

#include <string>

namespace haven {
namespace {

TEST(HtmlEscapeTest, EscapesMarkupAndQuotes) {
  EXPECT_EQ(HtmlEscape("a < b & c > \"d\" 'e'"), "a &lt; b &amp; c &gt; &quot;d&quot; &#39;e&#39;");
  EXPECT_EQ(HtmlEscape("</script><img src=x onerror=alert(1)>"),
            "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
  EXPECT_EQ(HtmlEscape("tab\tline\nä ✓"), "tab\tline\nä ✓");
  EXPECT_EQ(HtmlEscape(std::string("nul\0bell\a", 9)),
            "nul\xEF\xBF\xBD"
            "bell\xEF\xBF\xBD");
}

}  // namespace
}  // namespace haven
