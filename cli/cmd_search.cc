// haven search WORDS... (docs/commands.md, "search")
#include <iostream>
#include <memory>
#include <set>

#include "cli/context.h"
#include "cli/reply_json.h"

namespace haven::cli {
namespace {

struct SearchFlags {
  std::vector<std::string> words;
  std::vector<std::string> excluded;  // from RewriteSearchExclusions
  std::string type, since, until;
  std::vector<std::string> tags;
  uint32_t limit = 0;
  bool deleted = false;
};

void PrintHitsTable(const std::vector<nlohmann::json>& hits, const v1::SearchReply& reply) {
  if (hits.empty()) {
    std::cout << "Nothing found. Words match whole words, in any case and with or without "
                 "accents; try fewer words.\n";
    return;
  }
  std::vector<nlohmann::json> rows;
  for (const auto& hit : hits) {
    const auto& match = hit["match"];
    const std::string where = match.value("field", "");
    const std::string snippet = match.value("snippet", "");
    rows.push_back({{"id", hit.value("id", "").substr(0, 8)},
                    {"when", ShortTime(hit.value("at", ""))},
                    {"type", hit.value("type", "")},
                    {"match", where.empty() ? snippet : where + ": " + snippet}});
  }
  PrintRows(rows, {"id", "when", "type", "match"}, Format::kTable);
  if (reply.total_matching() > hits.size()) {
    std::cerr << "The newest " << hits.size() << " of " << reply.total_matching()
              << " entries found; --limit N shows more.\n";
  }
}

absl::Status Search(Context& ctx, const SearchFlags& flags) {
  auto format = ctx.format();
  if (!format.ok()) return format.status();
  if (flags.words.empty() && flags.excluded.empty()) {
    return absl::InvalidArgumentError("search: give the words to find, e.g. haven search gentle");
  }
  v1::SearchRequest req;
  for (const auto& w : flags.words) req.add_words(w);
  for (const auto& w : flags.excluded) req.add_words("-" + w);
  req.set_type(flags.type);
  if (auto s = SetTimeRange(flags.since, flags.until, &req); !s.ok()) return s;
  for (const auto& t : flags.tags) req.add_tags(t);
  req.set_limit(flags.limit);
  req.set_include_deleted(flags.deleted);
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::SearchReply reply;
  absl::Status s =
      (*client)->WithUnlock([&] { return (*client)->Call(kJournalSearch, req, &reply); });
  if (!s.ok()) return s;
  std::vector<nlohmann::json> hits;
  for (const auto& hit : reply.hits()) {
    auto entry = ParseReply(hit.entry_json());
    if (!entry.ok()) return entry.status();
    (*entry)["match"] = {{"field", hit.field()}, {"snippet", hit.snippet()}};
    hits.push_back(std::move(*entry));
  }
  if (*format == Format::kTable) {
    PrintHitsTable(hits, reply);
  } else {
    PrintEntries(hits, *format);
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterSearchCommand(CLI::App& app, Context& ctx) {
  auto flags = std::make_shared<SearchFlags>();
  auto* search = app.add_subcommand(
      "search", "Find entries by what they say: words, \"a phrase\", -word to leave out");
  search->add_option("words", flags->words, "words to find (all must be there)")
      ->allow_extra_args();
  search->add_option("--exclude", flags->excluded, "leave out entries holding this (as -word)")
      ->group("");  // hidden: `-word` arrives here (RewriteSearchExclusions)
  search->add_option("--type", flags->type, "only this exercise type");
  search->add_option("--since", flags->since, "from this time on (2026-11-01, -7d, yesterday)");
  search->add_option("--until", flags->until, "before this time");
  search->add_option("--tag", flags->tags, "only entries with this tag (repeatable)");
  search->add_option("--limit", flags->limit, "at most this many, newest first (default 20)");
  search->add_flag("--deleted", flags->deleted, "include deleted entries");
  search->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return Search(ctx, *flags); }; });
}

std::vector<std::string> RewriteSearchExclusions(std::vector<std::string> args) {
  // Options whose next argument is their value, which may start with '-'.
  static const std::set<std::string> kTakesValue = {"--home",  "--format", "--type", "--since",
                                                    "--until", "--tag",    "--limit"};
  size_t i = 1;
  while (i < args.size() && args[i] != "search") i += kTakesValue.contains(args[i]) ? 2 : 1;
  for (++i; i < args.size() && args[i] != "--"; ++i) {
    const std::string& arg = args[i];
    if (kTakesValue.contains(arg)) {
      ++i;
    } else if (arg.size() > 1 && arg[0] == '-' && arg[1] != '-') {
      args[i] = "--exclude=" + arg.substr(1);
    }
  }
  return args;
}

}  // namespace haven::cli
