#include "common/json_bounded.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/field_error.h"

namespace haven {
namespace {

using nlohmann::json;

// Builds nothing: for CheckJsonBounded.
struct NullSink {
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const json::string_t&) { return true; }
  bool string(json::string_t&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(json::string_t&) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
};

// Forwards nlohmann's SAX events to `Inner` and stops the parse (by
// returning false) at the first bracket deeper than the limit, or at a
// syntax error, which it records instead of throwing.
template <typename Inner>
class DepthLimited {
 public:
  DepthLimited(Inner* inner, int max_depth) : inner_(inner), max_depth_(max_depth) {}

  bool null() { return inner_->null(); }
  bool boolean(bool v) { return inner_->boolean(v); }
  bool number_integer(json::number_integer_t v) { return inner_->number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return inner_->number_unsigned(v); }
  bool number_float(json::number_float_t v, const json::string_t& s) {
    return inner_->number_float(v, s);
  }
  bool string(json::string_t& v) { return inner_->string(v); }
  bool binary(json::binary_t& v) { return inner_->binary(v); }
  bool key(json::string_t& v) { return inner_->key(v); }
  bool start_object(std::size_t n) { return Open() && inner_->start_object(n); }
  bool start_array(std::size_t n) { return Open() && inner_->start_array(n); }
  bool end_object() {
    --depth_;
    return inner_->end_object();
  }
  bool end_array() {
    --depth_;
    return inner_->end_array();
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    fault_ = JsonFault::kSyntax;
    fault_byte_ = position;
    detail_ = e.what();
    return false;
  }

  JsonFault fault() const { return fault_; }
  size_t fault_byte() const { return fault_byte_; }
  const std::string& detail() const { return detail_; }

 private:
  bool Open() {
    if (++depth_ <= max_depth_) return true;
    fault_ = JsonFault::kTooDeep;
    return false;
  }

  Inner* inner_;
  int max_depth_;
  int depth_ = 0;
  JsonFault fault_ = JsonFault::kNone;
  size_t fault_byte_ = 0;
  std::string detail_;
};

// nlohmann's message without "[json.exception.parse_error.101] parse error
// at line 1, column 5: ", which says where in terms the caller may not use.
std::string SyntaxDetail(const std::string& what) {
  size_t start = what.find("] ");
  start = start == std::string::npos ? 0 : start + 2;
  const size_t column = what.find("column", start);
  if (column != std::string::npos) {
    const size_t colon = what.find(": ", column);
    if (colon != std::string::npos) start = colon + 2;
  }
  return what.substr(start);
}

template <typename Inner>
absl::Status Run(std::string_view text, const JsonLimits& limits, std::string_view what,
                 Inner* inner, JsonFault* fault, size_t* fault_byte) {
  auto fail = [&](JsonFault kind, size_t byte, std::string message) {
    if (fault != nullptr) *fault = kind;
    if (fault_byte != nullptr) *fault_byte = byte;
    return absl::InvalidArgumentError(std::string(what) + ": " + message);
  };
  if (text.size() > limits.max_bytes) {
    return fail(JsonFault::kTooLarge, 0, absl::StrCat("larger than ", limits.max_bytes, " bytes"));
  }
  DepthLimited<Inner> sax(inner, limits.max_depth);
  bool ok = false;
  try {
    ok = json::sax_parse(text.begin(), text.end(), &sax);
  } catch (const std::exception& e) {  // nlohmann seam (e.g. an object too large)
    return fail(JsonFault::kSyntax, 0, absl::StrCat("not valid JSON: ", e.what()));
  }
  if (sax.fault() == JsonFault::kTooDeep) {
    return fail(JsonFault::kTooDeep, 0,
                absl::StrCat("nested deeper than ", limits.max_depth, " levels"));
  }
  if (!ok || sax.fault() == JsonFault::kSyntax) {
    return fail(JsonFault::kSyntax, sax.fault_byte(),
                absl::StrCat("not valid JSON: ", SyntaxDetail(sax.detail())));
  }
  if (fault != nullptr) *fault = JsonFault::kNone;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<json> ParseJsonBounded(std::string_view text, const JsonLimits& limits,
                                      std::string_view what, JsonFault* fault, size_t* fault_byte) {
  json value;
  nlohmann::detail::json_sax_dom_parser<json> dom(value, /*allow_exceptions=*/false);
  absl::Status status = Run(text, limits, what, &dom, fault, fault_byte);
  if (!status.ok()) return status;
  return value;
}

absl::Status CheckJsonBounded(std::string_view text, const JsonLimits& limits,
                              std::string_view what) {
  NullSink sink;
  return Run(text, limits, what, &sink, nullptr, nullptr);
}

absl::StatusOr<nlohmann::json> ParseFieldsJson(std::string_view text, std::string_view label) {
  if (text.empty()) return nlohmann::json();
  auto parsed = ParseJsonBounded(text, kFieldsInputLimits, label);
  if (!parsed.ok()) {
    // The message is "<label>: <reason>"; the violation keeps the reason.
    std::string_view reason(parsed.status().message().data(), parsed.status().message().size());
    reason.remove_prefix(std::min(reason.size(), label.size() + 2));
    return InputError(parsed.status().code(), kFieldsJsonField, label, reason);
  }
  if (!parsed->is_object()) {
    return InputError(absl::StatusCode::kInvalidArgument, kFieldsJsonField, label,
                      "expected a JSON object of field values");
  }
  return parsed;
}

}  // namespace haven
