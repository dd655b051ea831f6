// haven log | list | show | edit | rm | restore
#include <iostream>
#include <iterator>
#include <memory>

#include "cli/context.h"
#include "cli/guided_log.h"
#include "cli/prompt.h"
#include "cli/reply_json.h"
#include "cli/status.h"
#include "common/care_note.h"
#include "common/field_error.h"
#include "common/status.h"
#include "common/time.h"

namespace haven::cli {
namespace {

struct EntryFlags {
  std::string type;
  std::string id;
  std::vector<std::string> fields;  // name=value
  std::string json;
  std::string at;
  std::vector<std::string> tags;
  std::vector<std::string> unset;
  std::string since, until;
  size_t limit = 0;
  bool history = false;
  bool deleted = false;
  bool on_this_day = false;
};

absl::StatusOr<std::map<std::string, std::string>> ParseFieldFlags(
    const std::vector<std::string>& flags) {
  std::map<std::string, std::string> out;
  for (const auto& f : flags) {
    size_t eq = f.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError("-f \"" + f + "\": expected name=value");
    }
    out[f.substr(0, eq)] = f.substr(eq + 1);
  }
  return out;
}

// `--json OBJ` or `--json -` (standard input, read up to one byte past
// the daemon's limit so that a huge input is refused without holding it).
absl::StatusOr<std::string> ReadJsonFlag(const std::string& flag) {
  if (flag != "-") return flag;
  std::string text(kFieldsInputLimits.max_bytes + 1, '\0');
  std::cin.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(std::cin.gcount()));
  if (text.size() > kFieldsInputLimits.max_bytes) {
    return absl::InvalidArgumentError("--json: larger than " +
                                      std::to_string(kFieldsInputLimits.max_bytes) + " bytes");
  }
  return text;
}

// Whether an edit request asks for no change at all.
// -f, --json and --at into a Log or Edit request.
template <typename Request>
absl::Status SetFieldsAndTime(const EntryFlags& flags, Request* req) {
  auto fields = ParseFieldFlags(flags.fields);
  if (!fields.ok()) return fields.status();
  req->mutable_field_text()->insert(fields->begin(), fields->end());
  if (!flags.json.empty()) {
    auto json = ReadJsonFlag(flags.json);
    if (!json.ok()) return json.status();
    req->set_fields_json(*json);
  }
  auto at = ParseTimeFlag("--at", flags.at);
  if (!at.ok()) return at.status();
  if (*at) {
    req->set_has_at(true);
    req->set_at_us(**at);
  }
  return absl::OkStatus();
}

bool ChangesNothing(const v1::EditRequest& req) {
  if (!req.field_text().empty() || !req.unset_fields().empty() || req.has_at() || req.has_tags()) {
    return false;
  }
  auto json = ParseFieldsJson(req.fields_json(), "--json");
  return json.ok() && json->empty();  // null or {}
}

// The daemon names request inputs; the CLI's messages name its flags.
absl::Status InFlagTerms(const absl::Status& s, const v1::EditRequest& req) {
  if (s.code() == absl::StatusCode::kInvalidArgument && ChangesNothing(req)) {
    return absl::InvalidArgumentError(
        "nothing to change: give -f name=value, --unset, --at or --tag");
  }
  return RelabelInput(s, kFieldsJsonField, "--json");
}

absl::Status PrintOneEntry(Context& ctx, const std::string& entry_json, bool id_only) {
  auto format = ctx.format_flag.empty() ? absl::StatusOr<Format>(Format::kTable) : ctx.format();
  if (!format.ok()) return format.status();
  auto entry = ParseReply(entry_json);
  if (!entry.ok()) return entry.status();
  if (id_only && ctx.format_flag.empty()) {
    std::cout << entry->value("id", "") << "\n";
  } else {
    PrintEntry(*entry, {}, *format);
  }
  return absl::OkStatus();
}

// After a WHO-5 taking the plugin flagged `low`, the one calm line of
// common/care_note.h, once, on stderr: stdout stays the id (or the entry).
void NoteAfterLog(const std::string& entry_json) {
  auto entry = ParseReply(entry_json);
  if (!entry.ok() || !entry->is_object()) return;
  const nlohmann::json& e = *entry;
  const bool who5 = e.contains("type") && e["type"] == "who-5";
  const bool low = e.contains("derived") && e["derived"].is_object() &&
                   e["derived"].contains("flag") && e["derived"]["flag"] == "low";
  if (who5 && low) std::cerr << kLowWellBeingNote << "\n";
}

absl::Status Log(Context& ctx, const EntryFlags& flags) {
  if (auto format = ctx.format(); !format.ok()) return format.status();
  v1::LogRequest req;
  req.set_type(flags.type);
  if (auto s = SetFieldsAndTime(flags, &req); !s.ok()) return s;
  for (const auto& t : flags.tags) req.add_tags(t);
  // On a terminal the person is guided through the exercise (cli/guided_log.h);
  // `--json -` takes standard input, so nothing is asked then.
  const bool guided = InteractiveTerminal() && flags.json != "-";
  if (flags.type.empty() && !guided) {
    return absl::InvalidArgumentError(
        "log: which exercise? Name its type, e.g. `haven log checkin` (see `haven types`)");
  }
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  GuidedLog guide{.save = true, .asked = {}};
  if (guided) {
    auto answered = GuideLog(**client, &req);
    if (!answered.ok()) return answered.status();
    guide = std::move(*answered);
    if (!guide.save) return absl::OkStatus();
  }
  v1::EntryReply reply;
  auto saved = SendLog(**client, guide.asked, &req, &reply);
  if (!saved.ok()) return saved.status();
  if (!*saved) return absl::OkStatus();
  if (auto printed = PrintOneEntry(ctx, reply.entry_json(), /*id_only=*/true); !printed.ok()) {
    return printed;
  }
  NoteAfterLog(reply.entry_json());
  return absl::OkStatus();
}

// Whether each text is one JSON object on one line, as the daemon sends them.
template <typename Texts>
bool OneObjectPerLine(const Texts& texts) {
  for (const auto& text : texts) {
    if (text.size() < 2 || text.front() != '{' || text.back() != '}' ||
        text.find('\n') != std::string::npos) {
      return false;
    }
  }
  return true;
}

absl::Status List(Context& ctx, const EntryFlags& flags) {
  auto format = ctx.format();
  if (!format.ok()) return format.status();
  v1::ListRequest req;
  req.set_type(flags.type);
  if (auto s = SetTimeRange(flags.since, flags.until, &req); !s.ok()) return s;
  for (const auto& t : flags.tags) req.add_tags(t);
  req.set_limit(static_cast<uint32_t>(flags.limit));
  req.set_include_deleted(flags.deleted);
  if (flags.on_this_day) {
    req.set_on_this_day(true);
    req.set_now_us(NowMicros());
  }
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::ListReply reply;
  absl::Status s =
      (*client)->WithUnlock([&] { return (*client)->Call(kJournalList, req, &reply); });
  if (!s.ok()) return s;
  if (*format == Format::kJsonl && OneObjectPerLine(reply.entry_json())) {
    // The daemon's entry objects are compact JSON already: the very bytes a
    // parse and dump would print (a sixth of list's instructions).
    for (const auto& text : reply.entry_json()) std::cout << text << '\n';
    return absl::OkStatus();
  }
  auto entries = ParseReplies(reply.entry_json());
  if (!entries.ok()) return entries.status();
  PrintEntries(*entries, *format);
  return absl::OkStatus();
}

absl::Status Show(Context& ctx, const EntryFlags& flags) {
  auto format = ctx.format_flag.empty() ? absl::StatusOr<Format>(Format::kTable) : ctx.format();
  if (!format.ok()) return format.status();
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::ShowRequest req;
  req.set_id(flags.id);
  req.set_history(flags.history);
  v1::ShowReply reply;
  absl::Status s =
      (*client)->WithUnlock([&] { return (*client)->Call(kJournalShow, req, &reply); });
  if (!s.ok()) return s;
  auto history = ParseReplies(reply.history_json());
  if (!history.ok()) return history.status();
  auto entry = ParseReply(reply.entry_json());
  if (!entry.ok()) return entry.status();
  PrintEntry(*entry, *history, *format);
  return absl::OkStatus();
}

absl::Status Edit(Context& ctx, const EntryFlags& flags, bool tags_given) {
  if (auto format = ctx.format(); !format.ok()) return format.status();
  v1::EditRequest req;
  req.set_id(flags.id);
  if (auto s = SetFieldsAndTime(flags, &req); !s.ok()) return s;
  for (const auto& u : flags.unset) req.add_unset_fields(u);
  if (tags_given) {
    req.set_has_tags(true);
    for (const auto& t : flags.tags) {
      if (!t.empty()) req.add_tags(t);
    }
  }
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::EntryReply reply;
  absl::Status s =
      (*client)->WithUnlock([&] { return (*client)->Call(kJournalEdit, req, &reply); });
  if (!s.ok()) return InFlagTerms(s, req);
  return PrintOneEntry(ctx, reply.entry_json(), /*id_only=*/true);
}

absl::Status RemoveOrRestore(Context& ctx, const std::string& id, bool restore) {
  if (auto format = ctx.format(); !format.ok()) return format.status();
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::EntryRef req;
  req.set_id(id);
  v1::EntryReply reply;
  absl::Status s = (*client)->WithUnlock([&] {
    return restore ? (*client)->Call(kJournalRestore, req, &reply)
                   : (*client)->Call(kJournalRemove, req, &reply);
  });
  if (!s.ok()) return s;
  auto entry = ParseReply(reply.entry_json());
  if (!entry.ok()) return entry.status();
  if (!ctx.format_flag.empty()) return PrintOneEntry(ctx, reply.entry_json(), false);
  std::cerr << (restore ? "Restored " : "Deleted ") << entry->value("id", "").substr(0, 8)
            << (restore ? "" : " (bring it back with `haven restore`)") << ".\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterEntryCommands(CLI::App& app, Context& ctx) {
  auto flags = std::make_shared<EntryFlags>();

  auto* log = app.add_subcommand("log", "Write an entry: what you practised");
  log->add_option("type", flags->type,
                  "exercise type (see `haven types`); on a terminal, a menu when left out");
  log->add_option("-f,--field", flags->fields, "a field value, name=value (repeatable)");
  log->add_option("--json", flags->json, "field values as a JSON object, or - to read stdin");
  log->add_option("--at", flags->at, "when you practised (default now): 2026-11-20 08:30, -2h");
  log->add_option("--tag", flags->tags, "a tag (repeatable)");
  log->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return Log(ctx, *flags); }; });

  auto* list = app.add_subcommand("list", "Entries, newest first");
  list->add_option("--type", flags->type, "only this exercise type");
  list->add_option("--since", flags->since, "from this time on (2026-11-01, -7d, yesterday)");
  list->add_option("--until", flags->until, "before this time");
  list->add_option("--tag", flags->tags, "only entries with this tag (repeatable)");
  list->add_option("--limit", flags->limit, "at most this many");
  list->add_flag("--deleted", flags->deleted, "include deleted entries");
  list->add_flag("--on-this-day", flags->on_this_day, "only this calendar day in earlier years");
  list->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return List(ctx, *flags); }; });

  auto* show = app.add_subcommand("show", "One entry (an id prefix of 6+ characters will do)");
  show->add_option("id", flags->id, "entry id")->required();
  show->add_flag("--history", flags->history, "every version, oldest first");
  show->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return Show(ctx, *flags); }; });

  auto* edit = app.add_subcommand("edit", "Change fields, time or tags of an entry");
  edit->add_option("id", flags->id, "entry id")->required();
  edit->add_option("-f,--field", flags->fields, "a new field value, name=value (repeatable)");
  edit->add_option("--json", flags->json, "new field values as a JSON object, or -");
  edit->add_option("--unset", flags->unset, "clear an optional field (repeatable)");
  edit->add_option("--at", flags->at, "a new time");
  auto* tag_opt =
      edit->add_option("--tag", flags->tags, "replace the tags (repeat; --tag '' clears)");
  edit->callback([&ctx, flags, tag_opt] {
    bool tags_given = tag_opt->count() > 0;
    ctx.action = [&ctx, flags, tags_given] { return Edit(ctx, *flags, tags_given); };
  });

  auto* rm = app.add_subcommand("rm", "Delete an entry (it can be restored)");
  rm->add_option("id", flags->id, "entry id")->required();
  rm->callback([&ctx, flags] {
    ctx.action = [&ctx, flags] { return RemoveOrRestore(ctx, flags->id, false); };
  });
  auto* restore = app.add_subcommand("restore", "Bring back a deleted entry");
  restore->add_option("id", flags->id, "entry id")->required();
  restore->callback([&ctx, flags] {
    ctx.action = [&ctx, flags] { return RemoveOrRestore(ctx, flags->id, true); };
  });
}

absl::StatusOr<std::optional<int64_t>> ParseTimeFlag(const std::string& flag,
                                                     const std::string& text) {
  if (text.empty()) return std::optional<int64_t>();
  auto parsed = ParseTimeInput(text, NowMicros());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(flag + ": " + std::string(parsed.status().message()));
  }
  return std::optional<int64_t>(*parsed);
}

}  // namespace haven::cli
