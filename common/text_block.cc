#include "common/text_block.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace haven {

using nlohmann::json;

int Columns(const std::string& s) {
  return static_cast<int>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string Fit(const std::string& s, int cols) {
  if (Columns(s) <= cols) return s;
  if (cols <= 0) return "";
  std::string out;
  int n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool starts = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (starts && ++n > cols - 1) break;
    out += s[i];
  }
  return out + "…";
}

std::string Pad(const std::string& s, int cols) {
  const std::string f = Fit(s, cols);
  return f + std::string(std::max(0, cols - Columns(f)), ' ');
}

std::string Num(const json& v, const char* fmt) {
  if (!v.is_number()) return "–";
  char buf[32];
  const double d = v.get<double>();
  if (d == std::floor(d) && std::abs(d) < 1e15) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(d));
  } else {
    std::snprintf(buf, sizeof buf, fmt, d);
  }
  return buf;
}

std::string Fixed(const json& v, int digits) {
  if (!v.is_number()) return "–";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v.get<double>());
  const std::string s = buf;
  const bool zero = s.find_first_not_of("-0.") == std::string::npos;
  return zero && s[0] == '-' ? s.substr(1) : s;
}

std::string Signed(const json& v, int digits) {
  std::string s = Fixed(v, digits);
  const bool zero = s.find_first_not_of("0.") == std::string::npos;
  return v.is_number() && v.get<double>() > 0 && !zero ? "+" + s : s;
}

TextBlock::TextBlock(bool color, int width) : color_(color), width_(std::max(40, width)) {}

void TextBlock::Header(const std::string& title) {
  if (!out_.empty()) out_ += "\n";
  Line(Style("1", Fit(title, width_)));
}

void TextBlock::Pair(const std::string& label, const std::string& value, int label_cols) {
  Line("  " + Pad(label, label_cols) + " " + Fit(value, width_ - label_cols - 3));
}

void TextBlock::Wrapped(const std::string& text, int indent) {
  const int room = std::max(10, width_ - indent);
  std::istringstream words(text);
  std::string word, line;
  while (words >> word) {
    if (!line.empty() && Columns(line) + 1 + Columns(word) > room) {
      Line(std::string(indent, ' ') + line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + Fit(word, room);
  }
  if (!line.empty()) Line(std::string(indent, ' ') + line);
}

void TextBlock::Line(const std::string& s) { out_ += s + "\n"; }

std::string TextBlock::Style(const char* sgr, const std::string& s) const {
  return color_ ? "\x1b[" + std::string(sgr) + "m" + s + "\x1b[0m" : s;
}

std::string TextBlock::Take() { return std::move(out_); }

}  // namespace haven
