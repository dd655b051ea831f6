// Text layout for the terminal views of `haven stats`: display columns of
// UTF-8, cutting and padding to a width, word wrapping, fixed decimals, and
// a line-by-line builder with optional ANSI styles. Shared by
// stats_render.cc and measures_render.cc.
#ifndef HAVEN_COMMON_TEXT_BLOCK_H_
#define HAVEN_COMMON_TEXT_BLOCK_H_

#include <nlohmann/json.hpp>
#include <string>

namespace haven {

// Display columns of UTF-8 text (one per code point; haven prints no wide
// characters of its own).
int Columns(const std::string& s);
// Cuts `s` to at most `cols` columns, ending in "…" when cut.
std::string Fit(const std::string& s, int cols);
// Fit, then spaces up to `cols` columns.
std::string Pad(const std::string& s, int cols);
// A whole number without decimals, others with `fmt`; "–" when not a number.
std::string Num(const nlohmann::json& v, const char* fmt = "%.1f");
// Always `digits` decimals, so a column of means lines up; never "-0.00".
std::string Fixed(const nlohmann::json& v, int digits);
// Fixed with a "+" in front of a positive value.
std::string Signed(const nlohmann::json& v, int digits);

// Builds the text of a view, one line at a time, never wider than `width`
// columns (at least 40).
class TextBlock {
 public:
  TextBlock(bool color, int width);

  // A bold section title, after a blank line unless it comes first.
  void Header(const std::string& title);
  // "  label   value", the label padded to `label_cols`.
  void Pair(const std::string& label, const std::string& value, int label_cols = 18);
  // `text` broken at spaces into lines of the width, each after `indent`
  // spaces; a word longer than a line is cut.
  void Wrapped(const std::string& text, int indent);
  void Line(const std::string& s);
  // `s` in the ANSI style `sgr` ("1" bold, "2" dim, "36" cyan) when colour is on.
  std::string Style(const char* sgr, const std::string& s) const;
  int width() const { return width_; }
  std::string Take();

 private:
  const bool color_;
  const int width_;
  std::string out_;
};

}  // namespace haven

#endif  // HAVEN_COMMON_TEXT_BLOCK_H_
