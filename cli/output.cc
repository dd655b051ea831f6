#include "cli/output.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <set>

#include "absl/status/status.h"

namespace haven::cli {
namespace {

// Cuts `text` to `width` display columns (UTF-8 aware), marking the cut.
std::string Fit(const std::string& text, size_t width) {
  std::string out;
  size_t cols = 0;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    if (cols + 1 > width) {
      if (!out.empty() && width > 0) {
        // replace the last column with an ellipsis
        while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
          out.pop_back();
        if (!out.empty()) out.pop_back();
        out += "…";
      }
      return out;
    }
    char ch = text[i];
    out.append(ch == '\n' || ch == '\t' ? std::string(" ") : text.substr(i, len));
    ++cols;
    i += len;
  }
  return out;
}

size_t Columns(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Pad(const std::string& text, size_t width) {
  size_t cols = Columns(text);
  return cols >= width ? text : text + std::string(width - cols, ' ');
}

std::string Summary(const nlohmann::json& entry) {
  std::string out;
  const nlohmann::json fields = entry.value("fields", nlohmann::json::object());
  for (const auto& [name, value] : fields.items()) {
    if (!out.empty()) out += "  ";
    out += name + "=" + PlainValue(value);
  }
  return out;
}

void PrintTable(const std::vector<std::vector<std::string>>& rows,
                const std::vector<std::string>& header) {
  std::vector<size_t> widths(header.size(), 0);
  for (size_t i = 0; i < header.size(); ++i) widths[i] = Columns(header[i]);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], Columns(row[i]));
    }
  }
  // On a terminal (or with $COLUMNS) the last column takes what is left of
  // the width; piped output keeps every cell whole, as ls and gh do.
  const char* columns = std::getenv("COLUMNS");
  if (StdoutIsTerminal() || (columns != nullptr && std::atoi(columns) > 0)) {
    size_t used = 0;
    for (size_t i = 0; i + 1 < widths.size(); ++i) used += widths[i] + 2;
    size_t width = static_cast<size_t>(TerminalWidth());
    size_t last = width > used + 10 ? width - used : 10;
    widths.back() = std::min(widths.back(), last);
  }
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      std::string cell = Fit(row[i], widths[i]);
      line += i + 1 < row.size() ? Pad(cell, widths[i]) + "  " : cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  };
  print(header);
  for (const auto& row : rows) print(row);
}

}  // namespace

absl::StatusOr<Format> ParseFormat(const std::string& text) {
  if (text.empty()) return StdoutIsTerminal() ? Format::kTable : Format::kJsonl;
  if (text == "table") return Format::kTable;
  if (text == "json") return Format::kJson;
  if (text == "jsonl") return Format::kJsonl;
  if (text == "csv") return Format::kCsv;
  return absl::InvalidArgumentError("--format: expected table, json, jsonl or csv, got \"" + text +
                                    "\"");
}

bool StdoutIsTerminal() { return isatty(STDOUT_FILENO) != 0; }

int TerminalWidth() {
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* cols = std::getenv("COLUMNS"); cols && std::atoi(cols) > 0) {
    return std::atoi(cols);
  }
  return 100;
}

std::string ShortTime(const std::string& rfc3339) {
  if (rfc3339.size() < 16) return rfc3339;
  return rfc3339.substr(0, 10) + " " + rfc3339.substr(11, 5);
}

std::string PlainValue(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

std::string CsvCell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

void PrintEntries(const std::vector<nlohmann::json>& entries, Format format) {
  switch (format) {
    case Format::kJson:
      std::cout << nlohmann::json(entries).dump(2) << "\n";
      return;
    case Format::kJsonl:
      for (const auto& e : entries) std::cout << e.dump() << "\n";
      return;
    case Format::kCsv: {
      std::set<std::string> names;
      for (const auto& e : entries) {
        const nlohmann::json fields = e.value("fields", nlohmann::json::object());
        for (const auto& [k, v] : fields.items()) {
          names.insert(k);
        }
      }
      std::cout << "id,type,type_version,at,created,updated,tags";
      for (const auto& n : names) std::cout << "," << CsvCell(n);
      std::cout << "\n";
      for (const auto& e : entries) {
        std::string tags;
        for (const auto& t : e.value("tags", nlohmann::json::array())) {
          tags += (tags.empty() ? "" : ";") + t.get<std::string>();
        }
        std::cout << e.value("id", "") << "," << CsvCell(e.value("type", "")) << ","
                  << e.value("type_version", 1) << "," << e.value("at", "") << ","
                  << e.value("created", "") << "," << e.value("updated", "") << ","
                  << CsvCell(tags);
        const auto& fields = e["fields"];
        for (const auto& n : names) {
          std::cout << "," << (fields.contains(n) ? CsvCell(PlainValue(fields[n])) : "");
        }
        std::cout << "\n";
      }
      return;
    }
    case Format::kTable: {
      if (entries.empty()) {
        std::cout << "No entries yet. Log one with `haven log TYPE` (see `haven types`).\n";
        return;
      }
      std::vector<std::vector<std::string>> rows;
      for (const auto& e : entries) {
        std::string tags;
        for (const auto& t : e.value("tags", nlohmann::json::array())) {
          tags += (tags.empty() ? "#" : " #") + t.get<std::string>();
        }
        rows.push_back({e.value("id", "").substr(0, 8), ShortTime(e.value("at", "")),
                        e.value("type", ""), tags, Summary(e)});
      }
      PrintTable(rows, {"ID", "WHEN", "TYPE", "TAGS", "FIELDS"});
      return;
    }
  }
}

void PrintEntry(const nlohmann::json& entry, const std::vector<nlohmann::json>& history,
                Format format) {
  if (format != Format::kTable) {
    nlohmann::json out = entry;
    if (!history.empty()) out["history"] = history;
    if (format == Format::kJson) {
      std::cout << out.dump(2) << "\n";
    } else if (format == Format::kJsonl) {
      std::cout << out.dump() << "\n";
    } else {
      PrintEntries({entry}, Format::kCsv);
    }
    return;
  }
  std::cout << entry.value("type", "") << " " << entry.value("id", "")
            << (entry.value("deleted", false) ? "  (deleted)" : "") << "\n";
  std::cout << "  at       " << entry.value("at", "") << "\n";
  std::cout << "  updated  " << entry.value("updated", "") << "\n";
  std::string tags;
  for (const auto& t : entry.value("tags", nlohmann::json::array())) {
    tags += (tags.empty() ? "#" : " #") + t.get<std::string>();
  }
  if (!tags.empty()) std::cout << "  tags     " << tags << "\n";
  for (const char* section : {"fields", "derived"}) {
    const auto& values = entry.value(section, nlohmann::json::object());
    if (values.empty()) continue;
    std::cout << "\n" << section << ":\n";
    for (const auto& [name, value] : values.items()) {
      std::string text = PlainValue(value);
      if (text.find('\n') != std::string::npos) {
        std::cout << "  " << name << ":\n";
        size_t start = 0;
        while (start <= text.size()) {
          size_t end = text.find('\n', start);
          if (end == std::string::npos) end = text.size();
          std::cout << "    " << text.substr(start, end - start) << "\n";
          start = end + 1;
        }
      } else {
        std::cout << "  " << name << ": " << text << "\n";
      }
    }
  }
  if (!history.empty()) {
    std::cout << "\nhistory:\n";
    for (const auto& h : history) {
      std::cout << "  " << h.value("written", "") << "  " << h.value("kind", "") << "  device "
                << h.value("device", "").substr(0, 8) << "#" << h.value("seq", 0);
      std::string changes;
      const nlohmann::json changed = h.value("changes", nlohmann::json::object());
      for (const auto& [k, v] : changed.items()) {
        changes += "  " + k + "=" + (v.is_null() ? "(unset)" : PlainValue(v));
      }
      std::cout << Fit(changes, 200) << "\n";
    }
  }
}

void PrintRows(const std::vector<nlohmann::json>& rows, const std::vector<std::string>& columns,
               Format format) {
  if (format == Format::kJson) {
    std::cout << nlohmann::json(rows).dump(2) << "\n";
    return;
  }
  if (format == Format::kJsonl) {
    for (const auto& r : rows) std::cout << r.dump() << "\n";
    return;
  }
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : rows) {
    std::vector<std::string> row;
    for (const auto& c : columns) row.push_back(r.contains(c) ? PlainValue(r[c]) : "");
    cells.push_back(std::move(row));
  }
  if (format == Format::kCsv) {
    for (size_t i = 0; i < columns.size(); ++i) std::cout << (i ? "," : "") << CsvCell(columns[i]);
    std::cout << "\n";
    for (const auto& row : cells) {
      for (size_t i = 0; i < row.size(); ++i) std::cout << (i ? "," : "") << CsvCell(row[i]);
      std::cout << "\n";
    }
    return;
  }
  std::vector<std::string> header;
  for (const auto& c : columns) {
    std::string h = c;
    for (char& ch : h) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    header.push_back(h);
  }
  PrintTable(cells, header);
}

}  // namespace haven::cli
