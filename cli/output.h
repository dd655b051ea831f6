// Printing lists and entries in the formats of `--format`.
#ifndef HAVEN_CLI_OUTPUT_H_
#define HAVEN_CLI_OUTPUT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace haven::cli {

enum class Format { kTable, kJson, kJsonl, kCsv };

// "" picks table on a terminal and jsonl otherwise.
absl::StatusOr<Format> ParseFormat(const std::string& text);

int TerminalWidth();
bool StdoutIsTerminal();

// Entry objects (docs/formats.md, "The entry object"), newest first.
void PrintEntries(const std::vector<nlohmann::json>& entries, Format format);
// One entry with all its fields; `history` may be empty.
void PrintEntry(const nlohmann::json& entry, const std::vector<nlohmann::json>& history,
                Format format);

// A generic list of flat objects (types, remotes): table columns in order.
void PrintRows(const std::vector<nlohmann::json>& rows, const std::vector<std::string>& columns,
               Format format);

// "2026-11-20 08:30" from an RFC 3339 string, for tables.
std::string ShortTime(const std::string& rfc3339);
// A value as people read it: strings unquoted, numbers compact.
std::string PlainValue(const nlohmann::json& value);
std::string CsvCell(const std::string& text);

}  // namespace haven::cli

#endif  // HAVEN_CLI_OUTPUT_H_
