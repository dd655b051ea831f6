// Test plugin exercising every callback path: type "probe" with an integer
// field `n` whose value picks what validate does.
//   n == 1  validate reports an error with a message
//   n == 2  validate throws inside haven_sdk::Guard (caught in the plugin)
//   n == 3  validate throws with no guard (the host's trampoline catches it)
//   n == 4  validate returns HAVEN_ERROR without a message
// derive sets n_squared, label (= the `word` field), and merges {"extra":true};
// summarize emits a line with a newline in it, and fails when an entry has n=13.
#include <stdexcept>
#include <string>

#include "haven/plugin_cpp.h"

namespace {

constexpr char kManifest[] = R"json({"haven_plugin":1,"types":[{"id":"probe","version":3,
  "fields":[{"name":"n","type":"integer","required":true},{"name":"word","type":"string"}]}]})json";

int Validate(const haven_call* call) {
  int n = static_cast<int>(haven_sdk::Number(call, 0, "n").value_or(0));
  if (n == 3) throw std::runtime_error("escaped");
  return haven_sdk::Guard(call, [&] {
    if (n == 1) return haven_sdk::Error(call, "n must not be 1, says the probe");
    if (n == 2) throw std::runtime_error("probe threw on purpose");
    if (n == 4) return HAVEN_ERROR;
    return HAVEN_OK;
  });
}

int Derive(const haven_call* call) {
  return haven_sdk::Guard(call, [&] {
    double n = haven_sdk::Number(call, 0, "n").value_or(0);
    haven_sdk::SetInteger(call, "n_squared", static_cast<int64_t>(n * n));
    if (auto word = haven_sdk::String(call, 0, "word")) haven_sdk::SetString(call, "label", *word);
    call->host->set_json(call, haven_sdk::Str(R"({"extra":true})"));
    haven_str whole = call->host->entry_json(call, 0);
    haven_sdk::SetInteger(call, "entry_json_bytes", static_cast<int64_t>(whole.len));
    return HAVEN_OK;
  });
}

int Summarize(const haven_call* call) {
  return haven_sdk::Guard(call, [&] {
    std::string order;
    for (size_t i = 0; i < call->entry_count; ++i) {
      int n = static_cast<int>(haven_sdk::Number(call, i, "n").value_or(0));
      if (n == 13) return haven_sdk::Error(call, "unlucky entry");
      order += std::to_string(n) + ",";
    }
    haven_sdk::AddLine(call, "order " + order);
    haven_sdk::AddLine(call, "two\nlines");
    return HAVEN_OK;
  });
}

}  // namespace

HAVEN_PLUGIN_DECLARE_ABI();

HAVEN_PLUGIN_INIT(host, reg) {
  haven_type_ops ops{};
  ops.struct_size = sizeof(ops);
  ops.validate = &Validate;
  ops.derive = &Derive;
  ops.summarize = &Summarize;
  return host->declare_types(reg, haven_sdk::Str(kManifest), &ops);
}
