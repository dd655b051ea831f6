#include "server/search/json_text.h"

#include <cstdint>

namespace haven {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ReadHex4(std::string_view json, size_t pos, uint32_t* value) {
  if (pos + 4 > json.size()) return false;
  *value = 0;
  for (size_t i = 0; i < 4; ++i) {
    const int d = HexDigit(json[pos + i]);
    if (d < 0) return false;
    *value = *value << 4 | static_cast<uint32_t>(d);
  }
  return true;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | cp >> 6));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | cp >> 12));
    out->push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | cp >> 18));
    out->push_back(static_cast<char>(0x80 | (cp >> 12 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// A \uXXXX escape at json[*pos] (after the backslash and 'u'), with its
// low surrogate when it is a high one. A lone surrogate becomes U+FFFD.
bool DecodeUnicodeEscape(std::string_view json, size_t* pos, std::string* out) {
  uint32_t cp = 0;
  if (!ReadHex4(json, *pos, &cp)) return false;
  *pos += 4;
  if (cp >= 0xD800 && cp < 0xDC00) {
    uint32_t low = 0;
    if (*pos + 6 <= json.size() && json[*pos] == '\\' && json[*pos + 1] == 'u' &&
        ReadHex4(json, *pos + 2, &low) && low >= 0xDC00 && low < 0xE000) {
      *pos += 6;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    } else {
      cp = 0xFFFD;
    }
  } else if (cp >= 0xDC00 && cp < 0xE000) {
    cp = 0xFFFD;
  }
  AppendUtf8(cp, out);
  return true;
}

bool DecodeEscape(std::string_view json, size_t* pos, std::string* out) {
  if (*pos >= json.size()) return false;
  const char c = json[(*pos)++];
  switch (c) {
    case '"':
    case '\\':
    case '/':
      out->push_back(c);
      return true;
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
      out->push_back(' ');  // only words matter here
      return true;
    case 'u':
      return DecodeUnicodeEscape(json, pos, out);
    default:
      return false;
  }
}

void SkipSpace(std::string_view json, size_t* pos) {
  while (*pos < json.size() &&
         (json[*pos] == ' ' || json[*pos] == '\n' || json[*pos] == '\t' || json[*pos] == '\r')) {
    ++*pos;
  }
}

}  // namespace

bool DecodeJsonString(std::string_view json, size_t* pos, std::string* out) {
  out->clear();
  if (*pos >= json.size() || json[*pos] != '"') return false;
  ++*pos;
  while (*pos < json.size()) {
    const size_t run = json.find_first_of("\"\\", *pos);
    if (run == std::string_view::npos) return false;
    out->append(json.substr(*pos, run - *pos));
    *pos = run + 1;
    if (json[run] == '"') return true;
    if (!DecodeEscape(json, pos, out)) return false;
  }
  return false;
}

void ForEachJsonString(std::string_view json, std::string* scratch,
                       const std::function<void(std::string_view)>& visit) {
  size_t pos = 0;
  SkipSpace(json, &pos);
  if (pos < json.size() && json[pos] == '"') {
    if (DecodeJsonString(json, &pos, scratch)) visit(*scratch);
    return;
  }
  if (pos >= json.size() || json[pos] != '[') return;
  ++pos;
  while (true) {
    SkipSpace(json, &pos);
    if (pos >= json.size() || json[pos] != '"') return;  // ']' or a non-string item
    if (!DecodeJsonString(json, &pos, scratch)) return;
    visit(*scratch);
    SkipSpace(json, &pos);
    if (pos >= json.size() || json[pos] != ',') return;
    ++pos;
  }
}

}  // namespace haven
