// haven types [--long] | types show TYPE | types reload
#include <iostream>

#include "cli/context.h"
#include "cli/field_answer.h"
#include "cli/reply_json.h"
#include "cli/status.h"
#include "common/status.h"

namespace haven::cli {
namespace {

// `types --long`: a block per type, with its description and citation whole.
void PrintLong(const std::vector<nlohmann::json>& types, const v1::TypesReply& reply) {
  for (const auto& t : types) {
    std::cout << Printable(t.value("title", "")) << "\n"
              << "  id: " << Printable(t.value("id", "")) << ", version " << t.value("version", 1)
              << "\n"
              << "  source: " << Printable(t.value("source", "")) << "\n";
    if (!t.value("description", "").empty()) {
      std::cout << "  " << Printable(t.value("description", "")) << "\n";
    }
    if (!t.value("citation", "").empty()) {
      std::cout << "  Citation: " << Printable(t.value("citation", "")) << "\n";
    }
    std::cout << "\n";
  }
  for (const auto& p : reply.problems()) std::cout << "skipped: " << p << "\n";
}

absl::Status PrintTypes(Context& ctx, const v1::TypesReply& reply, bool long_form) {
  // Like `types show`, --long is for people: without --format it is the form.
  auto format =
      long_form && ctx.format_flag.empty() ? absl::StatusOr<Format>(Format::kTable) : ctx.format();
  if (!format.ok()) return format.status();
  auto parsed = ParseReplies(reply.type_json());
  if (!parsed.ok()) return parsed.status();
  const std::vector<nlohmann::json>& types = *parsed;
  if (*format == Format::kTable && long_form) {
    PrintLong(types, reply);
    return absl::OkStatus();
  }
  if (*format == Format::kTable) {
    std::vector<nlohmann::json> rows;
    for (const auto& t : types) {
      rows.push_back({{"id", t.value("id", "")},
                      {"version", t.value("version", 1)},
                      {"title", t.value("title", "")},
                      {"source", t.value("source", "")}});
    }
    PrintRows(rows, {"id", "version", "title", "source"}, *format);
    for (const auto& p : reply.problems()) std::cout << "skipped: " << p << "\n";
    return absl::OkStatus();
  }
  PrintRows(types, {"id", "version", "title", "source"}, *format);
  for (const auto& p : reply.problems()) std::cerr << "haven: plugin skipped: " << p << "\n";
  return absl::OkStatus();
}

absl::Status List(Context& ctx, bool reload, bool long_form) {
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::TypesReply reply;
  grpc::Status s = reload ? (*client)->Call(kJournalReloadTypes, {}, &reply)
                          : (*client)->Call(kJournalTypes, {}, &reply);
  if (!s.ok()) return FromGrpc(s);
  return PrintTypes(ctx, reply, long_form);
}

absl::Status Show(Context& ctx, const std::string& type) {
  auto format = ctx.format_flag.empty() ? absl::StatusOr<Format>(Format::kTable) : ctx.format();
  if (!format.ok()) return format.status();
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::TypesRequest req;
  req.set_type(type);
  v1::TypesReply reply;
  if (auto s = (*client)->Call(kJournalTypes, req, &reply); !s.ok()) return FromGrpc(s);
  if (reply.type_json_size() == 0) return absl::InternalError("the daemon sent no type");
  auto parsed = ParseReply(reply.type_json(0));
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json& t = *parsed;
  if (*format != Format::kTable) {
    std::cout << t.dump(*format == Format::kJson ? 2 : -1) << "\n";
    return absl::OkStatus();
  }
  std::cout << t.value("title", "") << " (" << t.value("id", "") << ", version "
            << t.value("version", 1) << ")\n";
  if (!t.value("description", "").empty()) std::cout << t.value("description", "") << "\n";
  if (!t.value("citation", "").empty()) {
    std::cout << "Citation: " << Printable(t.value("citation", "")) << "\n";
  }
  std::cout << "from " << t.value("source", "") << "\n\n";
  std::vector<nlohmann::json> rows;
  for (const auto& f : t["fields"]) {
    std::string rule;
    if (f.contains("choices")) {
      for (const auto& c : f["choices"]) rule += (rule.empty() ? "" : "|") + c.get<std::string>();
    } else if (f.contains("min") || f.contains("max")) {
      rule = (f.contains("min") ? f["min"].dump() : "") + ".." +
             (f.contains("max") ? f["max"].dump() : "");
    }
    rows.push_back({{"field", f.value("name", "")},
                    {"type", f.value("type", "")},
                    {"required", f.value("required", false) ? "yes" : ""},
                    {"allowed", rule},
                    {"prompt", f.value("prompt", "")}});
  }
  PrintRows(rows, {"field", "type", "required", "allowed", "prompt"}, Format::kTable);
  return absl::OkStatus();
}

}  // namespace

void RegisterTypeCommands(CLI::App& app, Context& ctx) {
  auto* types = app.add_subcommand("types", "Exercise types you can log, and where they come from");
  auto long_form = std::make_shared<bool>(false);
  types->add_flag("--long", *long_form,
                  "Each type as a block: title, id, version, source, description, citation");
  types->callback([&ctx, types, long_form] {
    if (types->get_subcommands().empty()) {
      ctx.action = [&ctx, long_form] { return List(ctx, false, *long_form); };
    }
  });
  auto type_id = std::make_shared<std::string>();
  auto* show = types->add_subcommand("show", "One type's fields, prompts and rules");
  show->add_option("type", *type_id, "type id")->required();
  show->callback([&ctx, type_id] { ctx.action = [&ctx, type_id] { return Show(ctx, *type_id); }; });
  types->add_subcommand("reload", "Rescan the plugin directories")->callback([&ctx] {
    ctx.action = [&ctx] { return List(ctx, true, false); };
  });
}

}  // namespace haven::cli
