// Text from a person's journal made safe to place in an HTML or SVG page.
#ifndef HAVEN_COMMON_HTML_ESCAPE_H_
#define HAVEN_COMMON_HTML_ESCAPE_H_

#include <string>
#include <string_view>

namespace haven {

// Escapes &, <, >, " and ' so `text` reads as itself in element content and
// in quoted attribute values, never as markup. Control characters other than
// tab, line feed and carriage return become U+FFFD, which a page may hold.
std::string HtmlEscape(std::string_view text);

}  // namespace haven

#endif  // HAVEN_COMMON_HTML_ESCAPE_H_
