#include "cli/entry_preview.h"

#include <iostream>
#include <optional>

#include "cli/field_answer.h"
#include "cli/prompt.h"
#include "common/time.h"

namespace haven::cli {
namespace {

using nlohmann::json;

// "  name: value", or the name on its own line and a text's lines below it.
void ShowValue(const std::string& name, const std::string& text, const std::string& note) {
  std::string shown = Printable(text);
  if (shown.find('\n') == std::string::npos) {
    std::cerr << "  " << name << ": " << shown << note << "\n";
    return;
  }
  std::cerr << "  " << name << ":" << note << "\n";
  size_t start = 0;
  while (start <= shown.size()) {
    size_t end = shown.find('\n', start);
    if (end == std::string::npos) end = shown.size();
    std::cerr << "    " << shown.substr(start, end - start) << "\n";
    start = end + 1;
  }
}

void ShowEntry(const Exercise& exercise, const json& values, const v1::LogRequest& req) {
  std::cerr << "\nYour entry, as it will be saved:\n";
  std::string title = exercise.title.empty() ? "" : " (" + exercise.title + ")";
  ShowValue("type", exercise.id + title, "");
  ShowValue("when", req.has_at() ? FormatRfc3339(req.at_us()) : "now", "");
  if (req.tags_size() > 0) {
    std::string tags;
    for (const auto& t : req.tags()) tags += (tags.empty() ? "" : ", ") + t;
    ShowValue("tags", tags, "");
  }
  for (const FieldSpec& spec : exercise.fields) {
    if (values.contains(spec.name)) {
      ShowValue(spec.name, ValueText(values[spec.name]), "");
    } else if (!spec.default_value.is_null()) {
      ShowValue(spec.name, ValueText(spec.default_value), " (its default)");
    }
  }
}

}  // namespace

absl::StatusOr<bool> ConfirmSave(const Exercise& exercise, const json& values,
                                 const v1::LogRequest& req) {
  ShowEntry(exercise, values, req);
  while (true) {
    std::optional<std::string> line = AskLine("Save it? [Y/n] > ");
    if (!line) return absl::InvalidArgumentError("no answer given; nothing was saved");
    std::string answer = *line;
    for (char& c : answer) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (answer.empty() || answer == "y" || answer == "yes") return true;
    if (answer == "n" || answer == "no") return false;
    std::cerr << "  Please answer y (save it) or n (leave it unsaved).\n";
  }
}

}  // namespace haven::cli
