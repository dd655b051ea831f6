#include "server/insights/import.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/json_bounded.h"

namespace haven {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

constexpr char kBom[] = "\xEF\xBB\xBF";

}  // namespace

absl::Status ImportReader::Fail(int64_t line, std::string_view what) {
  error_ = absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", std::string(what)));
  return error_;
}

absl::Status ImportReader::Feed(std::string_view chunk) {
  if (!error_.ok()) return error_;
  segment_start_ = 0;
  for (size_t i = 0; i < chunk.size(); ++i) {
    if (in_string_ && !escape_ && state_ == State::kInObject) {
      // Inside a string only a quote, a backslash or a newline matters;
      // notes are most of an import's bytes, so skip to the next of them.
      while (i < chunk.size() && chunk[i] != '"' && chunk[i] != '\\' && chunk[i] != '\n') ++i;
      if (i == chunk.size()) break;
    }
    absl::Status s = Step(chunk[i], chunk, i);
    if (!s.ok()) return s;
    if (chunk[i] == '\n') ++line_;
  }
  if (state_ == State::kInObject) {
    object_.append(chunk.substr(segment_start_));
    if (object_.size() > max_object_bytes_) {
      return Fail(object_line_,
                  absl::StrCat("entry ", count_, " is larger than ", max_object_bytes_, " bytes"));
    }
  }
  return absl::OkStatus();
}

absl::Status ImportReader::Step(char c, std::string_view chunk, size_t i) {
  if (bom_bytes_ >= 0 && bom_bytes_ < 3) {
    if (c == kBom[bom_bytes_]) {
      ++bom_bytes_;
      return absl::OkStatus();
    }
    if (bom_bytes_ > 0) return Fail(line_, "the input is not UTF-8 JSON");
  }
  bom_bytes_ = -1;
  if (state_ == State::kInObject) return StepInObject(c, chunk, i);
  if (c == '{' && (state_ == State::kStart || state_ == State::kLineStart ||
                   state_ == State::kArrayBeforeElement)) {
    after_object_ = array_ ? State::kArrayAfterElement : State::kLineAfterObject;
    return BeginObject(i);
  }
  return StepOutside(c);
}

absl::Status ImportReader::StepOutside(char c) {
  switch (state_) {
    case State::kStart:
      if (IsBlank(c)) return absl::OkStatus();
      if (c != '[') return Fail(line_, "expected a JSON array or JSON Lines of entry objects");
      array_ = true;
      state_ = State::kArrayBeforeElement;
      return absl::OkStatus();
    case State::kArrayBeforeElement:
      if (IsBlank(c)) return absl::OkStatus();
      if (c == ']' && !array_has_element_) {
        state_ = State::kArrayDone;
        return absl::OkStatus();
      }
      if (c == ']') return Fail(line_, "a comma before ] leaves an empty entry");
      return Fail(line_, absl::StrCat("entry ", count_ + 1, " is not a JSON object"));
    case State::kArrayAfterElement:
      if (IsBlank(c)) return absl::OkStatus();
      if (c == ',') state_ = State::kArrayBeforeElement;
      if (c == ']') state_ = State::kArrayDone;
      if (c == ',' || c == ']') return absl::OkStatus();
      return Fail(line_, absl::StrCat("expected , or ] after entry ", count_));
    case State::kArrayDone:
      if (IsBlank(c)) return absl::OkStatus();
      return Fail(line_, "unexpected text after the closing ]");
    case State::kLineStart:
      if (IsBlank(c)) return absl::OkStatus();
      return Fail(line_, "expected an entry object ({...}) on this line");
    case State::kLineAfterObject:
      if (c == '\n') state_ = State::kLineStart;
      if (IsBlank(c)) return absl::OkStatus();
      return Fail(line_, "more than one value on the line (JSON Lines holds one object a line)");
    case State::kInObject:
      break;
  }
  return absl::OkStatus();
}

absl::Status ImportReader::BeginObject(size_t i) {
  state_ = State::kInObject;
  depth_ = 1;
  in_string_ = escape_ = false;
  object_line_ = line_;
  ++count_;
  array_has_element_ = true;
  object_.clear();
  segment_start_ = i;
  return absl::OkStatus();
}

absl::Status ImportReader::StepInObject(char c, std::string_view chunk, size_t i) {
  if (object_.size() + (i - segment_start_) >= max_object_bytes_) {
    return Fail(object_line_,
                absl::StrCat("entry ", count_, " is larger than ", max_object_bytes_, " bytes"));
  }
  if (in_string_) {
    if (escape_) {
      escape_ = false;
    } else if (c == '\\') {
      escape_ = true;
    } else if (c == '"') {
      in_string_ = false;
    }
    return absl::OkStatus();
  }
  switch (c) {
    case '"':
      in_string_ = true;
      break;
    case '{':
    case '[':
      if (++depth_ > kMaxDepth) {
        return Fail(line_, absl::StrCat("entry ", count_, " is nested more than ", kMaxDepth,
                                        " levels deep"));
      }
      break;
    case '}':
    case ']':
      if (--depth_ == 0) {
        object_.append(chunk.substr(segment_start_, i + 1 - segment_start_));
        return EndObject();
      }
      break;
    case '\n':
      if (!array_) {
        return Fail(object_line_, absl::StrCat("entry ", count_,
                                               " does not end on its line (JSON Lines holds "
                                               "one object a line)"));
      }
      break;
  }
  return absl::OkStatus();
}

absl::Status ImportReader::EndObject() {
  state_ = after_object_;
  ImportItem item{nullptr, object_line_, count_, std::move(object_)};
  object_.clear();
  if (!defer_parse_) {
    absl::Status parsed = ParseImportItem(&item);
    if (!parsed.ok()) {
      error_ = parsed;
      return error_;
    }
  }
  ready_.push_back(std::move(item));
  return absl::OkStatus();
}

absl::Status ParseImportItem(ImportItem* item) {
  const std::string entry = absl::StrCat("entry ", item->index);
  JsonFault fault = JsonFault::kNone;
  size_t byte = 0;
  auto parsed = ParseJsonBounded(item->text, kImportEntryLimits, entry, &fault, &byte);
  if (!parsed.ok() && fault != JsonFault::kSyntax) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", item->line, ": ", std::string(parsed.status().message())));
  }
  if (!parsed.ok()) {
    // "entry K: not valid JSON: ..." -> "line N: entry K is not valid JSON: ...",
    // N being the line where the parser stopped.
    const std::string& text = item->text;
    const size_t upto = std::min<size_t>(byte > 0 ? byte - 1 : 0, text.size());
    const std::string message(parsed.status().message());
    return absl::InvalidArgumentError(
        absl::StrCat("line ", item->line + std::count(text.begin(), text.begin() + upto, '\n'),
                     ": ", entry, " is ", message.substr(entry.size() + 2)));
  }
  item->value = std::move(*parsed);
  item->text.clear();
  item->text.shrink_to_fit();
  return absl::OkStatus();
}

absl::Status ImportReader::Finish() {
  if (!error_.ok()) return error_;
  if (bom_bytes_ > 0 && bom_bytes_ < 3) return Fail(line_, "the input is not UTF-8 JSON");
  switch (state_) {
    case State::kInObject:
      return Fail(object_line_,
                  absl::StrCat("entry ", count_, " is not complete at the end of the input"));
    case State::kArrayBeforeElement:
    case State::kArrayAfterElement:
      return Fail(line_, "the input ends before the array's closing ]");
    default:
      return absl::OkStatus();
  }
}

std::optional<ImportItem> ImportReader::Next() {
  if (ready_.empty()) return std::nullopt;
  ImportItem item = std::move(ready_.front());
  ready_.pop_front();
  return item;
}

absl::Status ImportError(const ImportItem& item, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat("line ", item.line, ": ", status.message()));
}

}  // namespace haven
