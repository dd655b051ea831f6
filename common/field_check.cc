#include "common/field_check.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/field_error.h"
#include "common/time.h"

namespace haven {
namespace {

using nlohmann::json;

constexpr size_t kEchoLimit = 40;  // bytes of a bad value repeated in an error
constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

constexpr std::string_view kKindNames[] = {"integer", "number", "scale", "boolean",
                                           "string",  "text",   "enum",  "datetime"};

// A bad value as shown in an error: quoted, escaped, cut short.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  size_t i = 0;
  for (; i < text.size() && i < kEchoLimit; ++i) {
    char c = text[i];
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
    } else {
      out += c;
    }
  }
  if (i < text.size()) {
    // Do not end inside a multi-byte character.
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    out += "...";
  }
  if (!IsValidUtf8(out)) out = "\"(not UTF-8)";
  return out + "\"";
}

std::string Echo(const json& value) {
  if (value.is_string()) return Quote(value.get_ref<const std::string&>());
  std::string dumped = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (dumped.size() > kEchoLimit) dumped = dumped.substr(0, kEchoLimit) + "...";
  return dumped;
}

std::string FormatBound(double v) {
  if (std::floor(v) == v && std::fabs(v) < kMaxExactInteger) {
    return absl::StrCat(static_cast<int64_t>(v));
  }
  return absl::StrCat(v);
}

std::string BoundsText(const FieldSpec& s) {
  if (s.min && s.max) {
    if (s.exclusive_min) {
      return absl::StrCat("greater than ", FormatBound(*s.min), " and at most ",
                          FormatBound(*s.max));
    }
    return absl::StrCat("from ", FormatBound(*s.min), " to ", FormatBound(*s.max));
  }
  if (s.min)
    return absl::StrCat(s.exclusive_min ? "greater than " : "at least ", FormatBound(*s.min));
  if (s.max) return absl::StrCat("at most ", FormatBound(*s.max));
  return "";
}

absl::Status Fail(const FieldSpec& spec, std::string_view message, std::string_view got = "") {
  return FieldError(absl::StatusCode::kInvalidArgument, spec.name,
                    absl::StrCat("field \"", spec.name, "\": ", std::string(message),
                                 got.empty() ? "" : ", got ", std::string(got)));
}

absl::Status FailRule(const FieldSpec& spec, std::string_view got) {
  return Fail(spec, absl::StrCat("must be ", DescribeRule(spec)), got);
}

bool InBounds(const FieldSpec& s, double v) {
  if (s.min && (s.exclusive_min ? v <= *s.min : v < *s.min)) return false;
  if (s.max && v > *s.max) return false;
  return true;
}

// Whole JSON numbers only; 10.0 counts as whole, 10.5 does not.
bool AsInteger(const json& value, int64_t* out) {
  if (value.is_number_integer() && !value.is_number_unsigned()) {
    *out = value.get<int64_t>();
    return true;
  }
  if (value.is_number_unsigned()) {
    uint64_t u = value.get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(u);
    return true;
  }
  if (value.is_number_float()) {
    double d = value.get<double>();
    if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) >= kMaxExactInteger) return false;
    *out = static_cast<int64_t>(d);
    return true;
  }
  return false;
}

absl::StatusOr<json> CheckText(const FieldSpec& spec, const json& value, bool one_line) {
  if (!value.is_string()) return FailRule(spec, Echo(value));
  const std::string& s = value.get_ref<const std::string&>();
  if (!IsValidUtf8(s)) return Fail(spec, "must be valid UTF-8 text");
  if (one_line && s.find_first_of("\r\n") != std::string::npos) {
    return Fail(spec, "must be one line (a text field can hold several)");
  }
  if (spec.max_length && s.size() > *spec.max_length) {
    return Fail(spec, absl::StrCat("must be at most ", *spec.max_length, " bytes"),
                absl::StrCat(s.size(), " bytes"));
  }
  return value;
}

// Checks `value`; `got` (if not empty) replaces the echo of the value.
absl::StatusOr<json> Check(const FieldSpec& spec, const json& value, int64_t now_us,
                           std::string_view got) {
  // Built only for an error: most values pass.
  auto echo = [&] { return got.empty() ? Echo(value) : std::string(got); };
  switch (spec.kind) {
    case FieldKind::kInteger:
    case FieldKind::kScale: {
      int64_t i = 0;
      if (!AsInteger(value, &i) || !InBounds(spec, static_cast<double>(i))) {
        return FailRule(spec, echo());
      }
      return json(i);
    }
    case FieldKind::kNumber: {
      if (!value.is_number()) return FailRule(spec, echo());
      double d = value.get<double>();
      if (!std::isfinite(d) || !InBounds(spec, d)) return FailRule(spec, echo());
      return value;
    }
    case FieldKind::kBoolean:
      if (!value.is_boolean()) return FailRule(spec, echo());
      return value;
    case FieldKind::kString:
      return CheckText(spec, value, /*one_line=*/true);
    case FieldKind::kText:
      return CheckText(spec, value, /*one_line=*/false);
    case FieldKind::kEnum:
      if (value.is_string()) {
        for (const std::string& choice : spec.choices) {
          if (choice == value.get_ref<const std::string&>()) return value;
        }
      }
      return FailRule(spec, echo());
    case FieldKind::kDatetime: {
      if (!value.is_string()) return FailRule(spec, echo());
      absl::StatusOr<int64_t> us = ParseTimeInput(value.get_ref<const std::string&>(), now_us);
      if (!us.ok()) return FailRule(spec, echo());
      return json(FormatRfc3339Utc(*us));
    }
  }
  return FailRule(spec, echo());
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return out;
}

bool ParseInt(std::string_view text, int64_t* out) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool ParseDouble(std::string_view text, double* out) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [ptr, ec] =
      std::from_chars(text.data(), text.data() + text.size(), *out, std::chars_format::general);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(*out);
}

// Text as typed -> a JSON value of the right shape (not yet range-checked).
std::optional<json> TextToJson(const FieldSpec& spec, std::string_view raw) {
  std::string_view text = Trim(raw);
  switch (spec.kind) {
    case FieldKind::kInteger:
    case FieldKind::kScale: {
      int64_t i = 0;
      if (!ParseInt(text, &i)) return std::nullopt;
      return json(i);
    }
    case FieldKind::kNumber: {
      int64_t i = 0;
      if (ParseInt(text, &i)) return json(i);
      double d = 0;
      if (!ParseDouble(text, &d)) return std::nullopt;
      return json(d);
    }
    case FieldKind::kBoolean: {
      std::string lower = Lower(text);
      if (lower == "true" || lower == "yes" || lower == "1" || lower == "on") return json(true);
      if (lower == "false" || lower == "no" || lower == "0" || lower == "off") return json(false);
      return std::nullopt;
    }
    case FieldKind::kString:
    case FieldKind::kText:
      return json(std::string(raw));
    case FieldKind::kEnum:
      for (const std::string& choice : spec.choices) {
        if (Lower(choice) == Lower(text)) return json(choice);
      }
      return json(std::string(text));  // fails the check with the choices listed
    case FieldKind::kDatetime:
      return json(std::string(text));
  }
  return std::nullopt;
}

}  // namespace

std::string_view FieldKindName(FieldKind kind) { return kKindNames[static_cast<size_t>(kind)]; }

bool FieldKindFromName(std::string_view name, FieldKind* kind) {
  for (size_t i = 0; i < std::size(kKindNames); ++i) {
    if (kKindNames[i] == name) {
      *kind = static_cast<FieldKind>(i);
      return true;
    }
  }
  return false;
}

std::string DescribeRule(const FieldSpec& spec) {
  std::string bounds = BoundsText(spec);
  std::string suffix = bounds.empty() ? "" : " " + bounds;
  std::string length =
      spec.max_length ? absl::StrCat(" of at most ", *spec.max_length, " bytes") : "";
  switch (spec.kind) {
    case FieldKind::kInteger:
    case FieldKind::kScale:
      return "a whole number" + suffix;
    case FieldKind::kNumber:
      return "a number" + suffix;
    case FieldKind::kBoolean:
      return "yes or no (true/false, yes/no, on/off, 1/0)";
    case FieldKind::kString:
      return "one line of text" + length;
    case FieldKind::kText:
      return "text" + length;
    case FieldKind::kEnum:
      return "one of: " + absl::StrJoin(spec.choices, ", ");
    case FieldKind::kDatetime:
      return "a time such as 2026-11-20T08:30:00+01:00, 2026-11-20 08:30, yesterday or -2h";
  }
  return "valid";
}

absl::StatusOr<json> CheckFieldValue(const FieldSpec& spec, const json& value, int64_t now_us) {
  return Check(spec, value, now_us, "");
}

absl::StatusOr<json> ParseFieldValueText(const FieldSpec& spec, std::string_view text,
                                         int64_t now_us) {
  bool free_text = spec.kind == FieldKind::kString || spec.kind == FieldKind::kText;
  std::string got = free_text ? "" : Quote(text);
  std::optional<json> value = TextToJson(spec, text);
  if (!value) return FailRule(spec, got);
  return Check(spec, *value, now_us, got);
}

absl::Status UnknownFieldError(std::string_view type_id, const std::vector<FieldSpec>& fields,
                               std::string_view name) {
  std::vector<std::string> names;
  for (const FieldSpec& f : fields) names.push_back(f.name);
  return FieldError(
      absl::StatusCode::kInvalidArgument, name,
      absl::StrCat("unknown field \"", std::string(name), "\" for type \"", std::string(type_id),
                   "\" (its fields: ", absl::StrJoin(names, ", "), ")"));
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t extra = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= n) return false;
    for (size_t k = 1; k <= extra; ++k) {
      unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Reject overlong forms, surrogates and values past U+10FFFF.
    static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace haven
