// `haven import`: an incremental reader of a JSON array of entry objects or
// of JSON Lines, and the shape check of one entry object.
#ifndef HAVEN_SERVER_INSIGHTS_IMPORT_H_
#define HAVEN_SERVER_INSIGHTS_IMPORT_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace haven {

// One entry object as read, with where it started.
struct ImportItem {
  nlohmann::json value;  // always an object (null while parsing is deferred)
  int64_t line = 0;      // 1-based line of its opening brace
  int64_t index = 0;     // 1-based position among the entries
  std::string text;      // the object's text while parsing is deferred
};

// Parses a deferred item's text into its value; InvalidArgument "line N:
// entry K is not valid JSON: ..." naming the line of the fault.
absl::Status ParseImportItem(ImportItem* item);

// Splits the input into entry objects without holding more than one
// object's text (plus the chunk being fed): the array form is split by
// tracking strings, escapes and nesting depth; each object is then parsed
// on its own. The form is chosen by the first non-blank byte: "[" for an
// array, "{" for JSON Lines (one object per line; blank lines allowed).
// A UTF-8 byte order mark is skipped.
//
// Errors are InvalidArgument "line N: ..." and sticky: after one, Feed and
// Finish return it again. Not thread-safe.
//
//   ImportReader r;
//   while (read chunk) { RETURN_IF_ERROR(r.Feed(chunk)); while (auto it = r.Next()) use(*it); }
//   RETURN_IF_ERROR(r.Finish()); while (auto it = r.Next()) use(*it);
class ImportReader {
 public:
  static constexpr size_t kDefaultMaxObjectBytes = 16 << 20;
  static constexpr int kMaxDepth = 64;

  // With `defer_parse`, items carry their text unparsed, so that the caller
  // can parse them on several threads with ParseImportItem.
  explicit ImportReader(size_t max_object_bytes = kDefaultMaxObjectBytes, bool defer_parse = false)
      : max_object_bytes_(max_object_bytes), defer_parse_(defer_parse) {}

  absl::Status Feed(std::string_view chunk);
  // Checks that the input ended cleanly (array closed, no partial object).
  absl::Status Finish();
  // The next parsed object, in input order; nullopt when none is ready.
  std::optional<ImportItem> Next();

  int64_t line() const { return line_; }  // current 1-based line

 private:
  enum class State {
    kStart,
    kArrayBeforeElement,
    kArrayAfterElement,
    kArrayDone,
    kLineStart,
    kLineAfterObject,
    kInObject
  };

  absl::Status Step(char c, std::string_view chunk, size_t i);
  absl::Status StepOutside(char c);
  absl::Status StepInObject(char c, std::string_view chunk, size_t i);
  absl::Status BeginObject(size_t i);
  absl::Status EndObject();
  absl::Status Fail(int64_t line, std::string_view what);

  size_t max_object_bytes_;
  bool defer_parse_;
  State state_ = State::kStart;
  State after_object_ = State::kStart;  // where to go when an object closes
  bool array_ = false;
  bool array_has_element_ = false;
  int64_t line_ = 1;
  int64_t bom_bytes_ = 0;  // bytes of a leading BOM seen so far
  int64_t object_line_ = 0;
  int64_t count_ = 0;
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  size_t segment_start_ = 0;  // where the current object's text starts in this chunk
  std::string object_;        // text of the object being read
  std::deque<ImportItem> ready_;
  absl::Status error_;
};

// An entry object checked for shape only (its fields are validated against
// the type by the caller).
struct ImportedEntry {
  std::optional<std::string> id;  // 24 lowercase hex; absent: the caller makes one
  std::string type;
  uint32_t type_version = 1;
  int64_t at_us = 0;
  std::optional<int64_t> created_us;
  std::optional<int64_t> updated_us;
  std::vector<std::string> tags;  // sorted, unique
  nlohmann::json fields = nlohmann::json::object();
};

// Keys: id (optional), type (required string), type_version (optional
// integer >= 1, default 1), at (required RFC 3339 or local date-time string),
// created / updated (optional, same form), tags (optional array of strings),
// fields (required object), derived (ignored: it is recomputed). Any other
// key is an error, so a misspelt key is never silently dropped.
// InvalidArgument naming the key.
absl::StatusOr<ImportedEntry> EntryFromExportJson(const nlohmann::json& obj);

// "line N: <message>" for an error about `item`.
absl::Status ImportError(const ImportItem& item, const absl::Status& status);

}  // namespace haven

#endif  // HAVEN_SERVER_INSIGHTS_IMPORT_H_
