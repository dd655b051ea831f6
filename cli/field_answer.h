// One field of an exercise asked on the terminal: its prompt and help, a
// hint of what fits, then answers checked at once with the daemon's own
// rules (common/field_check.h) and asked again until one fits. Text fields
// open $EDITOR (else $VISUAL) on a commented template, or take typed lines
// when neither is set. Prompts go to stderr.
#ifndef HAVEN_CLI_FIELD_ANSWER_H_
#define HAVEN_CLI_FIELD_ANSWER_H_

#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "common/field_spec.h"

namespace haven::cli {

struct FieldAnswer {
  enum class Outcome {
    kAnswered,  // `text` and `value` hold the answer
    kSkipped,   // Enter on an optional field (or one with a default)
    kStopped,   // the person chose to stop without saving
  };
  Outcome outcome = Outcome::kSkipped;
  std::string text;      // as given; what the daemon parses (`-f name=text`)
  nlohmann::json value;  // `text` checked and normalised by the field's rules
};

// Asks for `spec` until the answer fits, the person skips an optional field
// with Enter, or stops. `heading` (e.g. "(2 of 8)") comes before the
// prompt. InvalidArgument naming the field when the input ends (Ctrl-D);
// InvalidArgument when $EDITOR fails (nothing is saved then).
absl::StatusOr<FieldAnswer> AskUntilValid(const FieldSpec& spec, const std::string& heading);

// What fits, in a few words for the answer line: "0 to 10", "yes or no",
// "none, hug, other"; "" for free text.
std::string AnswerHint(const FieldSpec& spec);

// A value as a person reads it: strings bare, booleans yes/no, numbers
// as JSON writes them.
std::string ValueText(const nlohmann::json& value);

// `text` with control characters (other than newlines) shown as '?', so
// that a manifest's words cannot drive the terminal.
std::string Printable(const std::string& text);

}  // namespace haven::cli

#endif  // HAVEN_CLI_FIELD_ANSWER_H_
