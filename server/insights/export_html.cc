// The page of `haven export --format html`: head and style, the journal by
// day, and the footer. The figures come from html_stats.cc.
#include "server/insights/export_html.h"

#include "common/html_escape.h"
#include "common/time.h"
#include "server/insights/html_stats.h"
#include "server/insights/journal_text.h"

namespace haven {
namespace {

using nlohmann::json;

// Nothing may load: no script, frame, font, or image other than inline data.
constexpr const char* kPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'";

// Calm on screen, plain on paper: system fonts, soft colours, and page
// breaks that keep a chart or an entry in one piece.
constexpr const char* kStyle = R"css(
:root{color-scheme:light}
body{margin:0;background:#fbfaf7;color:#1f2a28;
 font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:46rem;margin:0 auto;padding:2.5rem 1.5rem 4rem}
header.report{border-bottom:1px solid #d9e0de;padding-bottom:1rem;margin-bottom:1.5rem}
h1{margin:0 0 .3rem;font-size:1.9rem;font-weight:600;color:#24433f}
h2{margin:2.5rem 0 .8rem;font-size:1.3rem;font-weight:600;color:#24433f}
h3{margin:1.4rem 0 .4rem;font-size:1.05rem}
.meta{margin:.15rem 0;color:#5b6664}
.private{display:inline-block;margin:.6rem 0 0;padding:.35rem .7rem;border-radius:4px;
 background:#f3eee3;color:#5e5034;font-size:.85rem}
dl.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.8rem;
 margin:0 0 1.2rem}
dl.figures div{padding:.7rem .9rem;border:1px solid #dfe5e3;border-radius:6px;background:#fff}
dl.figures dt{font-size:.8rem;color:#5b6664}
dl.figures dd{margin:0;font-size:1.4rem;font-weight:600;color:#24433f}
table{width:100%;margin:.5rem 0 1rem;border-collapse:collapse;font-size:.92rem}
th,td{padding:.35rem .6rem;border-bottom:1px solid #e3e8e6;text-align:left;vertical-align:top}
th{font-weight:600;color:#4a5553}
.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:0 0 1.6rem}
svg.chart{display:block;box-sizing:border-box;width:100%;height:auto;border:1px solid #e3e8e6;border-radius:6px;
 background:#fff}
figcaption,.note,.numbers,.tags{font-size:.85rem;color:#5b6664}
figcaption{margin-top:.3rem}
.numbers{margin:0 0 .4rem}
.empty{font-style:italic;color:#5b6664}
figure.measure svg.chart+svg.chart{margin-top:.3rem}
h3.day{margin-top:2rem;padding-bottom:.2rem;border-bottom:1px solid #d9e0de}
article.entry{margin:.8rem 0;padding:.8rem 1rem;border:1px solid #e3e8e6;border-radius:6px;
 background:#fff}
article.entry h4{margin:0 0 .4rem;font-size:1rem;font-weight:600}
article.entry time{color:#5b6664;font-variant-numeric:tabular-nums}
.tags{margin:0 0 .4rem}
dl.fields{display:grid;grid-template-columns:minmax(8rem,16rem) 1fr;gap:.2rem 1rem;margin:.3rem 0}
dl.fields dt{color:#5b6664}
dl.fields dd{margin:0;overflow-wrap:anywhere}
.text .label{margin:.7rem 0 .2rem;font-size:.85rem;color:#5b6664}
.text .body{margin:0;padding-left:.8rem;border-left:3px solid #c9d9d5;white-space:pre-wrap;
 overflow-wrap:anywhere}
footer{margin-top:3rem;padding-top:.8rem;border-top:1px solid #d9e0de;font-size:.8rem;
 color:#6b7573}
@media print{
 @page{margin:16mm}
 body{background:#fff;color:#000;font-size:10.5pt}
 main{max-width:none;padding:0}
 h2{margin-top:1.6rem}
 h3.day{margin-top:1.1rem}
 article.entry{margin:.4rem 0;padding:.45rem .7rem}
 dl.figures div,svg.chart,article.entry{border-color:#bbb}
 figure,table,dl.figures,article.entry{break-inside:avoid}
 h2,h3,h4{break-after:avoid}
 section.journal{break-before:page}
}
)css";

std::string DateRange(const json& stats) {
  auto first = stats.is_object() ? stats.find("first") : stats.end();
  auto last = stats.is_object() ? stats.find("last") : stats.end();
  if (first == stats.end() || last == stats.end() || !first->is_string() || !last->is_string()) {
    return "";
  }
  const std::string a = first->get<std::string>(), b = last->get<std::string>();
  return a == b ? a : a + " to " + b;
}

std::string DayHeading(int64_t day) {
  return "<h3 class=\"day\">" + WeekdayName(day) + " " + DateOfDay(day) + "</h3>\n";
}

std::string Paragraph(const std::string& label, const std::string& text) {
  std::string body;
  for (char c : text) {
    if (c != '\r') body += c;
  }
  return "<div class=\"text\"><p class=\"label\">" + HtmlEscape(label) + "</p><p class=\"body\">" +
         HtmlEscape(body) + "</p></div>";
}

std::string Fields(const Entry& e, const MarkdownType& type) {
  const ShownFields shown = FieldsToShow(e, type);
  std::string list, paragraphs;
  for (const ShownValue& v : shown.values) {
    list += "<dt>" + HtmlEscape(v.label) + (v.computed ? " <small>(computed)</small>" : "") +
            "</dt><dd>" + HtmlEscape(v.value) + "</dd>";
  }
  for (const auto& [label, text] : shown.paragraphs) paragraphs += Paragraph(label, text);
  return (list.empty() ? "" : "<dl class=\"fields\">" + list + "</dl>") + paragraphs;
}

}  // namespace

std::string HtmlReportWriter::Header(const json& stats) const {
  const std::string range = DateRange(stats);
  const std::string made = FormatRfc3339(options_.generated_us);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + std::string(kPolicy) + "\">\n";
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + HtmlEscape(options_.title + (range.empty() ? "" : ", " + range)) +
         "</title>\n<style>" + kStyle + "</style></head>\n<body><main>\n";
  out += "<header class=\"report\"><h1>" + HtmlEscape(options_.title) + "</h1>";
  if (!range.empty()) out += "<p class=\"meta\">" + HtmlEscape(range) + "</p>";
  if (!options_.scope.empty()) out += "<p class=\"meta\">" + HtmlEscape(options_.scope) + "</p>";
  out += "<p class=\"meta\">Made with haven on " + made.substr(0, 10) + " at " +
         made.substr(11, 5) + "</p>";
  out += "<p class=\"private\">Private: this page holds personal journal entries.</p></header>\n";
  out += HtmlStatsSections(stats, types_);
  return out + "\n<section class=\"journal\"><h2>Journal</h2>\n";
}

std::string HtmlReportWriter::Entry(const haven::Entry& e) {
  std::string out;
  const int64_t day = LocalDayNumber(e.at_us);
  if (!day_ || *day_ != day) out += DayHeading(day);
  day_ = day;
  ++entries_;
  auto known = types_.find(e.type);
  MarkdownType inferred;
  if (known == types_.end()) inferred = InferredType(e);
  const MarkdownType& type = known != types_.end() ? known->second : inferred;
  const std::string at = FormatRfc3339(e.at_us);
  out += "<article class=\"entry\"><h4><time datetime=\"" + at + "\">" + at.substr(11, 5) +
         "</time> \u00b7 " + HtmlEscape(type.title.empty() ? e.type : type.title) + "</h4>";
  if (!e.tags.empty()) {
    out += "<p class=\"tags\">Tags: " + HtmlEscape(InlineValue(json(e.tags))) + "</p>";
  }
  return out + Fields(e, type) + "</article>\n";
}

std::string HtmlReportWriter::Footer() const {
  std::string out;
  if (entries_ == 0) out += "<p class=\"empty\">There are no entries in this report.</p>\n";
  return out +
         "</section>\n<footer><p>This page is complete in itself: it runs no scripts and loads "
         "nothing from the network. It holds private writing; keep it, and share it, with "
         "care.</p></footer>\n</main></body></html>\n";
}

std::string ExportHtml(const json& stats, const std::vector<const Entry*>& entries,
                       std::map<std::string, MarkdownType> types, HtmlReportOptions options) {
  HtmlReportWriter w(std::move(types), std::move(options));
  std::string out = w.Header(stats);
  for (const haven::Entry* e : entries) out += w.Entry(*e);
  return out + w.Footer();
}

}  // namespace haven
