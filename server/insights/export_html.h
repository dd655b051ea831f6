// `haven export --format html`: one self-contained page a person can read in
// any browser, print, or hand to a therapist. It holds the figures of
// `haven stats` with charts drawn as inline SVG, then the journal by day.
//
// The page never reaches outside itself: no script, no stylesheet, font or
// image from anywhere, and a Content-Security-Policy that forbids them, so
// opening it tells no one that it was opened. Every piece of a person's text
// is HTML-escaped. Like the other writers it returns one piece of text at a
// time, so the daemon can stream a long journal.
//
// Thread safety: a writer is used by one thread at a time.
#ifndef HAVEN_SERVER_INSIGHTS_EXPORT_HTML_H_
#define HAVEN_SERVER_INSIGHTS_EXPORT_HTML_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/insights/export.h"
#include "server/model/entry.h"

namespace haven {

struct HtmlReportOptions {
  std::string title = "Practice journal";
  // Which entries the report holds when not all of them, e.g. "Check-in
  // entries from 2026-11-01"; shown under the title. Plain text.
  std::string scope;
  int64_t generated_us = 0;  // when the report was made, shown in local time
};

class HtmlReportWriter {
 public:
  // `types` gives titles and field labels, as for MarkdownWriter.
  HtmlReportWriter(std::map<std::string, MarkdownType> types, HtmlReportOptions options)
      : types_(std::move(types)), options_(std::move(options)) {}

  // The page up to the journal: head (style, Content-Security-Policy), title,
  // date range, then the figures of `stats`, which is ComputeStats' JSON (the
  // object `haven stats --format json` prints; missing keys are tolerated).
  std::string Header(const nlohmann::json& stats) const;
  // One entry of the journal. Pass entries oldest first; a day heading is
  // written whenever the local day changes. Entries of a type missing from
  // `types` show every field.
  std::string Entry(const haven::Entry& e);
  // Closes the journal (saying so when it holds no entry) and the page.
  std::string Footer() const;

 private:
  std::map<std::string, MarkdownType> types_;
  HtmlReportOptions options_;
  std::optional<int64_t> day_;  // local day of the previous entry
  int64_t entries_ = 0;
};

// The whole page at once: Header(stats), every entry, Footer().
std::string ExportHtml(const nlohmann::json& stats, const std::vector<const Entry*>& entries,
                       std::map<std::string, MarkdownType> types, HtmlReportOptions options);

}  // namespace haven

#endif  // HAVEN_SERVER_INSIGHTS_EXPORT_HTML_H_
