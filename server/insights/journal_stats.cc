#include "server/insights/journal_stats.h"

#include <vector>

#include "server/insights/stats.h"
#include "server/journal/merge.h"
#include "server/measures/measure_table.h"
#include "server/util/parallel.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

bool IsNumeric(FieldKind kind) {
  return kind == FieldKind::kInteger || kind == FieldKind::kNumber || kind == FieldKind::kScale;
}

// What the registry knows that stats needs: each type's numeric fields, and
// which types a plugin summarizes (and how).
StatsOptions OptionsFor(const TypeRegistry& types, const StatsQuery& query) {
  StatsOptions options;
  if (!query.type.empty()) options.type = query.type;
  options.since_us = query.since_us;
  options.until_us = query.until_us;
  options.summarize_types.emplace();
  for (const auto& type : types.List()) {
    auto& numeric = options.numeric_fields[type->id];
    for (const auto& f : type->fields) {
      if (IsNumeric(f.kind)) numeric.push_back({f.name, f.kind == FieldKind::kScale, f.min, f.max});
    }
    if (types.CanSummarize(*type)) options.summarize_types->insert(type->id);
  }
  options.summarize = [&types](const std::string& type_id, const std::vector<const Entry*>& list) {
    auto type = types.Find(type_id);
    if (!type) return std::vector<std::string>();
    auto lines = types.Summarize(*type, list);
    return lines.ok() ? *lines : std::vector<std::string>();
  };
  return options;
}

}  // namespace

absl::StatusOr<nlohmann::json> JournalStats(const Journal& journal, const TypeRegistry& types,
                                            const StatsQuery& query) {
  ListFilter filter;
  filter.type = query.type;
  filter.since_us = query.since_us;
  filter.until_us = query.until_us;
  const StatsOptions options = OptionsFor(types, query);
  // One builder per scan thread, merged at the end.
  const int workers = PassThreads();
  std::vector<StatsBuilder> builders;
  for (int i = 0; i < workers; ++i) builders.emplace_back(options, query.now_us);
  RETURN_IF_ERROR(
      journal.ScanParallel(filter, workers, [&](int worker, const v1::EntryState& state) {
        // A measure's split field (ecr-rs' relationship) is a string.
        const bool all =
            options.summarize_types->contains(state.type()) || IsMeasureType(state.type());
        builders[worker].Add(
            StateToEntry(state, all ? FieldValues::kAll : FieldValues::kNoStrings));
      }));
  for (int i = 1; i < workers; ++i) builders[0].Merge(std::move(builders[i]));
  return builders[0].Finish();
}

}  // namespace haven
