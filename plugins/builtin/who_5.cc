// Built-in `who-5`: the WHO-5 Well-Being Index (World Health Organization,
// 1998), shipped with its wording (free to use with credit). Derives the raw
// sum, the percentage (raw x 4) and `flag`: `low` when the percentage is 50
// or less or any answer is 0 or 1. The flag's calm note is the CLI's to show
// (common/care_note.h), never a summary line's.
#include <optional>
#include <string>

#include "builtin_items.h"
#include "builtin_plugin.h"
#include "builtin_text.h"
#include "haven/plugin_cpp.h"

namespace {

using haven_builtin::Collect;
using haven_builtin::Count;
using haven_builtin::Takings;

constexpr char kManifest[] = R"json({
  "haven_plugin": 1,
  "types": [{
    "id": "who-5",
    "version": 1,
    "title": "Well-being (WHO-5)",
    "description": "Five short statements about the last two weeks, each answered from 0 (at no time) to 5 (all of the time): the WHO-5 Well-Being Index of the World Health Organization. The score runs from 0 to 100%; a change of 10 points or more between takings is a meaningful one.",
    "citation": "World Health Organization Regional Office for Europe (1998). Wellbeing measures in primary health care: the DepCare project. Copenhagen: WHO. Review: Topp, C. W., Østergaard, S. D., Søndergaard, S., & Bech, P. (2015). The WHO-5 Well-Being Index: A systematic review of the literature. Psychotherapy and Psychosomatics, 84(3), 167–176.",
    "fields": [
      {"name": "q1", "type": "scale", "min": 0, "max": 5, "required": true,
       "prompt": "Over the last two weeks: I have felt cheerful and in good spirits (5 = all of the time ... 0 = at no time)",
       "help": "5 All of the time, 4 Most of the time, 3 More than half of the time, 2 Less than half of the time, 1 Some of the time, 0 At no time."},
      {"name": "q2", "type": "scale", "min": 0, "max": 5, "required": true,
       "prompt": "Over the last two weeks: I have felt calm and relaxed (5 = all of the time ... 0 = at no time)",
       "help": "5 All of the time, 4 Most of the time, 3 More than half of the time, 2 Less than half of the time, 1 Some of the time, 0 At no time."},
      {"name": "q3", "type": "scale", "min": 0, "max": 5, "required": true,
       "prompt": "Over the last two weeks: I have felt active and vigorous (5 = all of the time ... 0 = at no time)",
       "help": "5 All of the time, 4 Most of the time, 3 More than half of the time, 2 Less than half of the time, 1 Some of the time, 0 At no time."},
      {"name": "q4", "type": "scale", "min": 0, "max": 5, "required": true,
       "prompt": "Over the last two weeks: I woke up feeling fresh and rested (5 = all of the time ... 0 = at no time)",
       "help": "5 All of the time, 4 Most of the time, 3 More than half of the time, 2 Less than half of the time, 1 Some of the time, 0 At no time."},
      {"name": "q5", "type": "scale", "min": 0, "max": 5, "required": true,
       "prompt": "Over the last two weeks: My daily life has been filled with things that interest me (5 = all of the time ... 0 = at no time)",
       "help": "5 All of the time, 4 Most of the time, 3 More than half of the time, 2 Less than half of the time, 1 Some of the time, 0 At no time."}
    ]
  }]
})json";

// A change of this many percentage points or more is a meaningful one.
constexpr int kMeaningfulChange = 10;

struct Scores {
  int raw = 0;
  int percent = 0;
  bool low = false;
};

std::optional<Scores> Score(const haven_call* call, size_t entry) {
  auto q = haven_builtin::Items<5>(call, entry);
  if (!q) return std::nullopt;
  Scores s;
  bool item_low = false;
  for (int i = 1; i <= 5; ++i) {
    s.raw += (*q)[i];
    item_low = item_low || (*q)[i] <= 1;
  }
  s.percent = s.raw * 4;
  s.low = s.percent <= 50 || item_low;
  return s;
}

int Derive(const haven_call* call) {
  return haven_sdk::Guard(call, [&] {
    std::optional<Scores> s = Score(call, 0);
    if (!s) return haven_sdk::Error(call, "who-5 needs all five answers, q1 to q5");
    haven_sdk::SetInteger(call, "raw", s->raw);
    haven_sdk::SetInteger(call, "percent", s->percent);
    haven_sdk::SetString(call, "flag", s->low ? "low" : "none");
    return HAVEN_OK;
  });
}

// "up 16 points since the one before: a meaningful change", "no change since
// the first".
std::string Change(int delta, const char* since) {
  if (delta == 0) return std::string("no change since ") + since;
  int size = delta < 0 ? -delta : delta;
  std::string text = std::string(delta > 0 ? "up " : "down ") + std::to_string(size) +
                     (size == 1 ? " point" : " points") + " since " + since;
  return size >= kMeaningfulChange ? text + ": a meaningful change" : text;
}

int Summarize(const haven_call* call) {
  return haven_sdk::Guard(call, [&] {
    const Takings<int> t =
        Collect<int>(call, [](const haven_call* c, size_t i) -> std::optional<int> {
          std::optional<Scores> s = Score(c, i);
          return s ? std::optional<int>(s->percent) : std::nullopt;
        });
    if (t.n == 0) return HAVEN_OK;
    std::string line = "Well-being (WHO-5): " + std::to_string(*t.latest) + "%";
    if (t.n == 1) {
      line += " from your first taking";
    } else {
      line += " in the latest of " + Count(t.n, "taking", "takings") + ", " +
              Change(*t.latest - *t.before, "the one before");
      if (t.n > 2) line += "; " + Change(*t.latest - *t.first, "the first");
    }
    haven_sdk::AddLine(call, line);
    return HAVEN_OK;
  });
}

}  // namespace

HAVEN_PLUGIN_DECLARE_ABI();

HAVEN_PLUGIN_INIT(host, reg) {
  return haven_builtin::DeclareTypes(host, reg, kManifest, &Derive, &Summarize);
}
