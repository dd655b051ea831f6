// Calling into a native plugin: the per-call context behind haven_call, the
// host callbacks a plugin uses during a call, and the trampolines.
//
// Every host callback catches everything and checks its arguments, since it
// is entered from plugin code; every trampoline catches what a misbehaving
// plugin lets escape.
#include <algorithm>
#include <cmath>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/field_check.h"
#include "common/field_error.h"
#include "common/json_bounded.h"
#include "server/plugins/native_internal.h"
#include "server/plugins/native_plugin.h"

namespace haven {
namespace {

using nlohmann::json;

constexpr size_t kMaxNameBytes = 64;
constexpr size_t kMaxLineBytes = 500;
constexpr size_t kMaxLines = 50;

// Host state of one call; haven_call.host_data points here.
struct CallContext {
  haven_call call{};
  const json* single_fields = nullptr;                 // validate / derive
  const std::vector<const Entry*>* entries = nullptr;  // summarize
  json derived = json::object();
  std::vector<std::string> lines;
  std::optional<std::string> error;
  std::string entry_buffer;  // backs entry_json's span
};

CallContext* Context(const haven_call* call) {
  if (call == nullptr || call->host_data == nullptr) return nullptr;
  return static_cast<CallContext*>(call->host_data);
}

std::string_view View(haven_str s) {
  return s.data ? std::string_view(s.data, s.len) : std::string_view();
}

// Plugin text made safe to show: valid UTF-8, one line, bounded.
std::string OneLine(haven_str s, size_t max_bytes) {
  std::string text(View(s).substr(0, max_bytes));
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  while (!text.empty() && !IsValidUtf8(text)) text.pop_back();
  return text;
}

void Fail(CallContext* ctx, std::string message) {
  if (!ctx->error) ctx->error = std::move(message);
}

// Fields (and derived values) of entry `i`, or nullptr when out of range.
const json* FieldsOf(const CallContext* ctx, size_t i, const json** derived) {
  *derived = nullptr;
  if (ctx->single_fields) return i == 0 ? ctx->single_fields : nullptr;
  if (ctx->entries == nullptr || i >= ctx->entries->size() || (*ctx->entries)[i] == nullptr) {
    return nullptr;
  }
  *derived = &(*ctx->entries)[i]->derived;
  return &(*ctx->entries)[i]->fields;
}

const json* Lookup(const CallContext* ctx, size_t i, haven_str name) {
  const json* derived = nullptr;
  const json* fields = FieldsOf(ctx, i, &derived);
  std::string key(View(name));
  for (const json* obj : {fields, derived}) {
    if (obj == nullptr || !obj->is_object()) continue;
    auto it = obj->find(key);
    if (it != obj->end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

int GetNumber(const haven_call* call, size_t entry, haven_str name, double* out) {
  try {
    CallContext* ctx = Context(call);
    if (ctx == nullptr || out == nullptr) return 0;
    const json* v = Lookup(ctx, entry, name);
    if (v == nullptr) return 0;
    if (v->is_number()) {
      *out = v->get<double>();
      return 1;
    }
    if (v->is_boolean()) {
      *out = v->get<bool>() ? 1 : 0;
      return 1;
    }
  } catch (...) {
  }
  return 0;
}

haven_str GetString(const haven_call* call, size_t entry, haven_str name) {
  try {
    CallContext* ctx = Context(call);
    const json* v = ctx ? Lookup(ctx, entry, name) : nullptr;
    if (v != nullptr && v->is_string()) {
      const std::string& s = v->get_ref<const std::string&>();
      return haven_str{s.data(), s.size()};
    }
  } catch (...) {
  }
  return haven_str{nullptr, 0};
}

int64_t EntryAt(const haven_call* call, size_t entry) {
  CallContext* ctx = Context(call);
  if (ctx == nullptr || ctx->entries == nullptr || entry >= ctx->entries->size()) return 0;
  const Entry* e = (*ctx->entries)[entry];
  return e ? e->at_us : 0;
}

haven_str EntryJson(const haven_call* call, size_t entry) {
  try {
    CallContext* ctx = Context(call);
    if (ctx == nullptr) return haven_str{nullptr, 0};
    const json* derived = nullptr;
    const json* fields = FieldsOf(ctx, entry, &derived);
    if (fields == nullptr) return haven_str{nullptr, 0};
    json doc = {{"at_us", EntryAt(call, entry)}, {"fields", *fields}};
    doc["derived"] = derived ? *derived : json::object();
    doc["type_version"] =
        ctx->entries ? (*ctx->entries)[entry]->type_version : ctx->call.type_version;
    ctx->entry_buffer = doc.dump(-1, ' ', false, json::error_handler_t::replace);
    return haven_str{ctx->entry_buffer.data(), ctx->entry_buffer.size()};
  } catch (...) {
    return haven_str{nullptr, 0};
  }
}

// Stores one derived value after checking its name.
template <typename MakeValue>
void SetDerived(const haven_call* call, haven_str name, MakeValue make) {
  CallContext* ctx = Context(call);
  if (ctx == nullptr) return;
  try {
    std::string key(View(name));
    if (key.empty() || key.size() > kMaxNameBytes || !IsValidUtf8(key)) {
      return Fail(ctx, "the plugin produced a derived value with an invalid name");
    }
    std::optional<json> value = make();
    if (!value) return Fail(ctx, absl::StrCat("the plugin produced an invalid \"", key, "\""));
    ctx->derived[key] = *std::move(value);
  } catch (...) {
    Fail(ctx, "the plugin's derived values could not be stored");
  }
}

void SetInteger(const haven_call* call, haven_str name, int64_t value) {
  SetDerived(call, name, [&]() -> std::optional<json> { return json(value); });
}

void SetNumber(const haven_call* call, haven_str name, double value) {
  SetDerived(call, name, [&]() -> std::optional<json> {
    if (!std::isfinite(value)) return std::nullopt;
    return json(value);
  });
}

void SetString(const haven_call* call, haven_str name, haven_str value) {
  SetDerived(call, name, [&]() -> std::optional<json> {
    std::string s(View(value));
    if (!IsValidUtf8(s)) return std::nullopt;
    return json(std::move(s));
  });
}

void SetJson(const haven_call* call, haven_str json_object) {
  CallContext* ctx = Context(call);
  if (ctx == nullptr) return;
  try {
    auto parsed =
        ParseJsonBounded(View(json_object), kPluginJsonLimits, "the plugin's derived values");
    if (!parsed.ok()) return Fail(ctx, std::string(parsed.status().message()));
    if (!parsed->is_object()) {
      return Fail(ctx, "the plugin's derived values are not a JSON object");
    }
    ctx->derived.update(*parsed);
  } catch (...) {
    Fail(ctx, "the plugin's derived values could not be stored");
  }
}

void AddLine(const haven_call* call, haven_str line) {
  CallContext* ctx = Context(call);
  if (ctx == nullptr || ctx->lines.size() >= kMaxLines) return;
  try {
    ctx->lines.push_back(OneLine(line, kMaxLineBytes));
  } catch (...) {
  }
}

void SetError(const haven_call* call, haven_str message) {
  CallContext* ctx = Context(call);
  if (ctx == nullptr) return;
  try {
    std::string text = OneLine(message, kMaxLineBytes);
    Fail(ctx, text.empty() ? "the plugin refused without saying why" : text);
  } catch (...) {
    ctx->error = "";
  }
}

// A plugin's error names the field it concerns the way docs/plugins.md
// shows, `field "NAME": ...`: the C ABI carries only the text, so the host
// turns that form into a FieldError (common/field_error.h) for the CLI.
absl::Status PluginError(std::string message) {
  constexpr std::string_view kPrefix = "field \"";
  if (message.compare(0, kPrefix.size(), kPrefix) == 0) {
    const size_t end = message.find('"', kPrefix.size());
    if (end != std::string::npos) {
      const std::string field = message.substr(kPrefix.size(), end - kPrefix.size());
      return FieldError(absl::StatusCode::kInvalidArgument, field, message);
    }
  }
  return absl::InvalidArgumentError(message);
}

// Calls `fn` with everything caught; the outcome is in ctx.
absl::Status Invoke(haven_callback fn, CallContext& ctx, const NativeBinding& binding,
                    const ExerciseType& type) {
  ctx.call.struct_size = sizeof(haven_call);
  ctx.call.host = HostApi();
  ctx.call.user_data = binding.ops.user_data;
  ctx.call.type_id = haven_str{type.id.data(), type.id.size()};
  ctx.call.type_version = type.version;
  ctx.call.host_data = &ctx;
  int rc = HAVEN_ERROR;
  try {
    rc = fn(&ctx.call);
  } catch (...) {
    Fail(&ctx, absl::StrCat("the ", type.id, " plugin failed unexpectedly"));
  }
  if (rc == HAVEN_OK && !ctx.error) return absl::OkStatus();
  std::string message = ctx.error.value_or("");
  if (message.empty()) message = absl::StrCat("the ", type.id, " plugin reported an error");
  return PluginError(std::move(message));
}

}  // namespace

const haven_host_api* HostApi() {
  static const haven_host_api api = [] {
    haven_host_api a{};
    a.struct_size = sizeof(haven_host_api);
    a.abi_major = HAVEN_PLUGIN_ABI_MAJOR;
    a.abi_minor = HAVEN_PLUGIN_ABI_MINOR;
    a.declare_types = &native_internal::DeclareTypes;
    a.get_number = &GetNumber;
    a.get_string = &GetString;
    a.entry_at = &EntryAt;
    a.entry_json = &EntryJson;
    a.set_integer = &SetInteger;
    a.set_number = &SetNumber;
    a.set_string = &SetString;
    a.set_json = &SetJson;
    a.add_line = &AddLine;
    a.set_error = &SetError;
    return a;
  }();
  return &api;
}

absl::Status CallValidate(const NativeBinding& binding, const ExerciseType& type,
                          const json& fields) {
  if (binding.ops.validate == nullptr) return absl::OkStatus();
  CallContext ctx;
  ctx.single_fields = &fields;
  ctx.call.entry_count = 1;
  return Invoke(binding.ops.validate, ctx, binding, type);
}

absl::StatusOr<json> CallDerive(const NativeBinding& binding, const ExerciseType& type,
                                const json& fields) {
  if (binding.ops.derive == nullptr) return json::object();
  CallContext ctx;
  ctx.single_fields = &fields;
  ctx.call.entry_count = 1;
  if (absl::Status s = Invoke(binding.ops.derive, ctx, binding, type); !s.ok()) return s;
  return std::move(ctx.derived);
}

absl::StatusOr<std::vector<std::string>> CallSummarize(const NativeBinding& binding,
                                                       const ExerciseType& type,
                                                       const std::vector<const Entry*>& entries) {
  if (binding.ops.summarize == nullptr) return std::vector<std::string>();
  // The ABI promises oldest first.
  std::vector<const Entry*> sorted;
  for (const Entry* e : entries) {
    if (e != nullptr) sorted.push_back(e);
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Entry* a, const Entry* b) { return a->at_us < b->at_us; });
  CallContext ctx;
  ctx.entries = &sorted;
  ctx.call.entry_count = sorted.size();
  if (absl::Status s = Invoke(binding.ops.summarize, ctx, binding, type); !s.ok()) return s;
  return std::move(ctx.lines);
}

}  // namespace haven
