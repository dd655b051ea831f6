// Built-in `break` (Self-Compassion Break): derives distress_change and
// summarises how much breaks eased distress.
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
    "id": "break",
    "version": 1,
    "title": "Self-Compassion Break",
    "description": "In a hard moment: notice the pain, remember that others feel this too, and offer yourself a kind phrase. Rating your distress before and after shows whether it helped.",
    "fields": [
      {"name": "situation", "type": "text", "required": true,
       "prompt": "What is happening that hurts right now?",
       "help": "A sentence or two is plenty. Describe it as you would to someone who cares about you."},
      {"name": "felt_in_body", "type": "string",
       "prompt": "Where do you feel it in your body?",
       "help": "For example a tight chest, a lump in the throat, heavy shoulders."},
      {"name": "mindfulness", "type": "string",
       "prompt": "Name the moment: what did you say to acknowledge it?",
       "help": "For example 'This is a moment of suffering' or 'This hurts'."},
      {"name": "common_humanity", "type": "string",
       "prompt": "What reminded you that you are not alone in this?",
       "help": "For example 'Suffering is part of life' or 'Other people feel this way too'."},
      {"name": "kindness", "type": "string",
       "prompt": "What kind words did you offer yourself?",
       "help": "For example 'May I be kind to myself' or 'May I give myself what I need'."},
      {"name": "touch", "type": "enum", "choices": ["none", "hand-on-heart", "hug", "other"],
       "prompt": "Did you use a soothing touch?",
       "help": "A hand on your heart, a hug, or another gesture that comforts you."},
      {"name": "distress_before", "type": "scale", "min": 0, "max": 10, "required": true,
       "prompt": "How much distress did you feel before the break? (0 = none, 10 = the most)",
       "help": "Your best guess is good enough."},
      {"name": "distress_after", "type": "scale", "min": 0, "max": 10, "required": true,
       "prompt": "And how much distress do you feel now? (0 = none, 10 = the most)",
       "help": "If it did not change, that is fine too: the break was still an act of care."}
    ]
  }]
})json";

int Derive(const haven_call* call) {
  return haven_builtin::DeriveChange(call, "distress_before", "distress_after", "distress_change");
}

int Summarize(const haven_call* call) {
  return haven_sdk::Guard(call, [&] {
    auto change = haven_builtin::AverageChange(call, "distress_before", "distress_after");
    if (!change) return HAVEN_OK;
    const double mean = change->mean;
    const size_t n = change->entries;
    std::string over = " over " + Count(n, "break", "breaks");
    if (mean <= -0.05) {
      haven_sdk::AddLine(
          call, "Self-compassion breaks eased distress by " + Points(-mean) + " on average" + over);
    } else if (mean >= 0.05) {
      haven_sdk::AddLine(call, "Distress was " + Points(mean) + " higher after breaks on average" +
                                   over +
                                   "; some moments stay hard, and pausing for them still counts");
    } else {
      haven_sdk::AddLine(call, "Distress stayed about the same on average" + over +
                                   "; pausing with kindness still counts");
    }
    return HAVEN_OK;
  });
}

}  // namespace

HAVEN_PLUGIN_DECLARE_ABI();

HAVEN_PLUGIN_INIT(host, reg) {
  return haven_builtin::DeclareTypes(host, reg, kManifest, &Derive, &Summarize);
}
