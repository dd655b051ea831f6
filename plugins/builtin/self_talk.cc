// Built-in `self-talk` (changing critical self-talk): derives belief_shift
// and summarises how much reframes loosened the critic's hold.
#include "builtin_change.h"
#include "builtin_plugin.h"
#include "builtin_text.h"
#include "haven/plugin_cpp.h"

namespace {

using haven_builtin::Count;
using haven_builtin::Points;

constexpr char kManifest[] = R"json({
  "haven_plugin": 1,
  "types": [{
    "id": "self-talk",
    "version": 1,
    "title": "Changing critical self-talk",
    "description": "Catch the inner critic's exact words, notice how much you believe them, write a kinder and truer reframe, and check your belief again.",
    "fields": [
      {"name": "situation", "type": "string",
       "prompt": "What was going on?",
       "help": "A few words about the moment, for example 'after the presentation'."},
      {"name": "critical_thought", "type": "text", "required": true,
       "prompt": "What did your inner critic say, in its exact words?",
       "help": "Writing it down as it was said helps you see it clearly. It is a thought, not a fact."},
      {"name": "belief_before", "type": "scale", "min": 0, "max": 100, "required": true,
       "prompt": "How much do you believe that thought? (0 = not at all, 100 = completely)",
       "help": "Your honest first answer is the right one."},
      {"name": "reframe", "type": "text", "required": true,
       "prompt": "What is a kinder, truer way to say it?",
       "help": "What would a wise friend who knows the whole story say? Kind does not mean pretending."},
      {"name": "belief_after", "type": "scale", "min": 0, "max": 100, "required": true,
       "prompt": "Reading the old thought again, how much do you believe it now? (0 = not at all, 100 = completely)",
       "help": "Even a small shift matters."}
    ]
  }]
})json";

int Derive(const haven_call* call) {
  return haven_builtin::DeriveChange(call, "belief_before", "belief_after", "belief_shift");
}

int Summarize(const haven_call* call) {
  return haven_sdk::Guard(call, [&] {
    auto change = haven_builtin::AverageChange(call, "belief_before", "belief_after");
    if (!change) return HAVEN_OK;
    const double mean = change->mean;
    const size_t n = change->entries;
    std::string over = " over " + Count(n, "reframe", "reframes");
    if (mean <= -0.05) {
      haven_sdk::AddLine(
          call, "Belief in the critic's words fell by " + Points(-mean) + " on average" + over);
    } else if (mean >= 0.05) {
      haven_sdk::AddLine(call, "Belief in the critic's words rose by " + Points(mean) +
                                   " on average" + over +
                                   "; noticing the critic is already a step");
    } else {
      haven_sdk::AddLine(call, "Belief in the critic's words stayed about the same" + over +
                                   "; noticing the critic is already a step");
    }
    return HAVEN_OK;
  });
}

}  // namespace

HAVEN_PLUGIN_DECLARE_ABI();

HAVEN_PLUGIN_INIT(host, reg) {
  return haven_builtin::DeclareTypes(host, reg, kManifest, &Derive, &Summarize);
}
