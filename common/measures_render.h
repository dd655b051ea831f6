// The "Measures" and "Practice and measures" sections of `haven stats` on
// a terminal, drawn from the `measures` object of its JSON (docs/formats.md,
// "Stats"). Part of stats_render.cc's view.
#ifndef HAVEN_COMMON_MEASURES_RENDER_H_
#define HAVEN_COMMON_MEASURES_RENDER_H_

#include <nlohmann/json.hpp>

#include "common/text_block.h"

namespace haven {

// Per series: its name, the latest value and band with its date, the change
// since the first taking (with its value) and a sparkline of every taking on the score's range, and
// when it is next due. Then, for each series with an `association`, the
// practice counted before each taking next to its value and one sentence on
// the link, with kNotProofNote. The calm line of common/care_note.h closes
// the section while the latest WHO-5 is low. Nothing when `measures` is
// empty.
void RenderMeasures(const nlohmann::json& measures, TextBlock& out);

}  // namespace haven

#endif  // HAVEN_COMMON_MEASURES_RENDER_H_
