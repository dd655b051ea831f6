#include "cli/field_answer.h"

#include <cmath>
#include <iostream>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/prompt.h"
#include "common/field_check.h"
#include "common/field_error.h"
#include "common/time.h"

namespace haven::cli {
namespace {

bool Numeric(FieldKind kind) {
  return kind == FieldKind::kInteger || kind == FieldKind::kNumber || kind == FieldKind::kScale;
}

std::string Bound(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return absl::StrCat(static_cast<int64_t>(v));
  return absl::StrCat(v);
}

std::string NumericHint(const FieldSpec& s) {
  std::string above = s.exclusive_min ? "more than " : "at least ";
  if (s.min && s.max) {
    if (s.exclusive_min) return "more than " + Bound(*s.min) + ", up to " + Bound(*s.max);
    return Bound(*s.min) + " to " + Bound(*s.max);
  }
  if (s.min) return above + Bound(*s.min);
  if (s.max) return "at most " + Bound(*s.max);
  return s.kind == FieldKind::kNumber ? "a number" : "a whole number";
}

// Whether Enter alone is a complete answer (the daemon leaves the field out
// or fills its default).
bool MaySkip(const FieldSpec& spec) { return !spec.required || !spec.default_value.is_null(); }

bool Blank(const std::string& text) { return text.find_first_not_of(" \t") == std::string::npos; }

// The line the answer is typed on, e.g. "  [0 to 10, Enter to skip] > ".
std::string AnswerLine(const FieldSpec& spec) {
  std::vector<std::string> parts;
  if (std::string hint = AnswerHint(spec); !hint.empty()) parts.push_back(hint);
  if (!spec.default_value.is_null()) {
    parts.push_back("Enter for " + Printable(ValueText(spec.default_value)));
  } else if (!spec.required) {
    parts.push_back("Enter to skip");
  }
  if (parts.empty()) return "  > ";
  return "  [" + absl::StrJoin(parts, ", ") + "] > ";
}

void ShowQuestion(const FieldSpec& spec, const std::string& heading) {
  std::string prompt = spec.prompt.empty() ? spec.name : spec.prompt;
  std::cerr << "\n" << heading << (heading.empty() ? "" : " ") << Printable(prompt) << "\n";
  if (!spec.help.empty()) {
    std::string help = Printable(spec.help);
    for (size_t at = 0; (at = help.find('\n', at)) != std::string::npos; at += 3) {
      help.replace(at, 1, "\n  ");
    }
    std::cerr << "  " << help << "\n";
  }
}

// The guidance written as comments below the editor's first line.
std::vector<std::string> EditorGuidance(const FieldSpec& spec) {
  std::vector<std::string> lines = {Printable(spec.prompt.empty() ? spec.name : spec.prompt)};
  if (!spec.help.empty()) lines.push_back(Printable(spec.help));
  lines.push_back("");
  lines.push_back("Write above these lines. Lines starting with # are ignored.");
  lines.push_back(MaySkip(spec) ? "Leave it empty to skip this question."
                                : "Save and close the editor when you are done.");
  return lines;
}

// A text answer: the editor (with the last refused text on its first lines)
// or typed lines. nullopt when the input ended.
absl::StatusOr<std::optional<std::string>> ReadText(const FieldSpec& spec,
                                                    const std::string& last) {
  if (std::optional<std::string> editor = ConfiguredEditor()) {
    std::cerr << "  Opening your editor; save and close it when you are done.\n";
    auto text = EditText(*editor, last, EditorGuidance(spec));
    if (!text.ok()) return text.status();
    return std::optional<std::string>(*text);
  }
  std::cerr << "  Type your answer; an empty line ends it"
            << (MaySkip(spec) ? " (an empty first line skips it).\n" : ".\n");
  return ReadTypedLines("  > ");
}

absl::StatusOr<std::optional<std::string>> ReadAnswer(const FieldSpec& spec,
                                                      const std::string& last) {
  if (spec.kind == FieldKind::kText) return ReadText(spec, last);
  return AskLine(AnswerLine(spec));
}

// After an empty answer to a needed text in the editor: open it again, or
// stop. True to open it again.
absl::StatusOr<bool> EditAgain(const FieldSpec& spec) {
  std::optional<std::string> line = AskLine(
      "  Nothing was written, and this one is needed. Press Enter to open the editor "
      "again, or type q to stop without saving: ");
  if (!line) {
    return FieldError(absl::StatusCode::kInvalidArgument, spec.name,
                      "field \"" + spec.name + "\": no answer given; nothing was saved");
  }
  return *line != "q" && *line != "Q";
}

// The checker's message without its `field "name": ` start: the person is
// answering that very field.
std::string Reason(const absl::Status& status) {
  std::string message(status.message());
  if (size_t at = message.find("\": ");
      message.starts_with("field \"") && at != std::string::npos) {
    message = message.substr(at + 3);
  }
  return message;
}

}  // namespace

std::string AnswerHint(const FieldSpec& spec) {
  if (Numeric(spec.kind)) return NumericHint(spec);
  switch (spec.kind) {
    case FieldKind::kBoolean:
      return "yes or no";
    case FieldKind::kEnum:
      return Printable(absl::StrJoin(spec.choices, ", "));
    case FieldKind::kDatetime:
      return "a time: 2026-11-20 08:30, yesterday, -2h";
    default:
      return "";
  }
}

std::string ValueText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Printable(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n') || u == 0x7f) c = '?';
  }
  return out;
}

absl::StatusOr<FieldAnswer> AskUntilValid(const FieldSpec& spec, const std::string& heading) {
  ShowQuestion(spec, heading);
  std::string last;  // a refused text, offered again in the editor
  while (true) {
    auto read = ReadAnswer(spec, last);
    if (!read.ok()) return read.status();
    if (!*read) {
      return FieldError(absl::StatusCode::kInvalidArgument, spec.name,
                        "field \"" + spec.name + "\": no answer given; nothing was saved");
    }
    std::string text = std::move(**read);
    if (Blank(text)) {
      if (MaySkip(spec)) return FieldAnswer{FieldAnswer::Outcome::kSkipped, "", nullptr};
      if (spec.kind == FieldKind::kText && ConfiguredEditor()) {
        auto again = EditAgain(spec);
        if (!again.ok()) return again.status();
        if (!*again) return FieldAnswer{FieldAnswer::Outcome::kStopped, "", nullptr};
        continue;
      }
      std::cerr << "  This one is needed for the entry; please answer it.\n";
      continue;
    }
    auto value = ParseFieldValueText(spec, text, NowMicros());
    if (value.ok()) return FieldAnswer{FieldAnswer::Outcome::kAnswered, text, *value};
    std::cerr << "  That answer does not fit: it " << Printable(Reason(value.status()))
              << ". Please try again.\n";
    if (spec.kind == FieldKind::kText) last = std::move(text);
  }
}

}  // namespace haven::cli
