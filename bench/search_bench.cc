// The search index in memory (docs/design.md, "Search"): building it from
// N entries as unlock does (one batch per thread, joined), its bytes per
// entry, the heap both of the view's indexes hold, and a two-word query. Entries hold ~50 words
// drawn from a 5,000-word vocabulary with a Zipf-like law, like journal prose.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "server/journal/entry_index.h"
#include "server/journal/view_index.h"

namespace haven {
namespace {

struct Corpus {
  std::vector<std::string> ids;
  std::vector<std::string> texts;
};

std::string Word(size_t rank) {
  static const char* kSyllables[] = {"ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zu", "pe"};
  std::string w;
  for (size_t r = rank + 1; r > 0; r /= 10) w += kSyllables[r % 10];
  return w;
}

const Corpus& MakeCorpus(size_t n) {
  static std::map<size_t, Corpus> cache;
  auto& corpus = cache[n];
  if (!corpus.ids.empty()) return corpus;
  std::mt19937_64 rng(42);
  std::vector<double> weights(5000);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = 1.0 / std::pow(i + 1.0, 1.05);
  std::discrete_distribution<size_t> pick(weights.begin(), weights.end());
  char id[25];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(id, sizeof id, "%024zx", i * 2654435761u);
    corpus.ids.emplace_back(id);
    std::string text;
    for (int w = 0; w < 50; ++w) text += Word(pick(rng)) + (w % 9 == 8 ? ". " : " ");
    corpus.texts.push_back(std::move(text));
  }
  return corpus;
}

// As unlock builds it: one batch per thread, joined.
void Build(const Corpus& corpus, int shards, ViewIndex* index) {
  std::vector<ViewIndex::Batch> parts(shards);
  for (size_t i = 0; i < corpus.ids.size(); ++i) {
    parts[i % shards].Add(corpus.ids[i], static_cast<int64_t>(i), "letter", false,
                          SearchDoc{{corpus.texts[i]}, {}});
  }
  index->AddAll(std::move(parts));
}

void BM_SearchIndexBuild(benchmark::State& state) {
  const Corpus& corpus = MakeCorpus(static_cast<size_t>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    ViewIndex index;
    Build(corpus, 2, &index);
    bytes = index.search_bytes();
    benchmark::DoNotOptimize(index);
  }
  state.counters["bytes_per_entry"] = static_cast<double>(bytes) / corpus.ids.size();
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(corpus.ids.size()));
}
BENCHMARK(BM_SearchIndexBuild)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// Bytes the allocator hands out, every arena and mapping included.
size_t HeapInUse() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

// What the unlocked view holds per entry, counted by the allocator rather
// than estimated: the entry index alone, then both indexes built as unlock
// builds them (one batch per thread, joined); the search index's share is
// the difference. What is left once they are dropped (as at lock) must be
// nothing.
void BM_ViewIndexesHeap(benchmark::State& state) {
  const Corpus& corpus = MakeCorpus(static_cast<size_t>(state.range(0)));
  const double n = static_cast<double>(corpus.ids.size());
  for (auto _ : state) {
    size_t start = HeapInUse();
    size_t entries_alone = 0;
    {
      EntryIndex entries;
      std::vector<EntryIndex::Batch> batches(2);
      for (size_t i = 0; i < corpus.ids.size(); ++i) {
        batches[i % 2].Add(corpus.ids[i], static_cast<int64_t>(i), "letter", false);
      }
      entries.AddAll(std::move(batches));
      entries_alone = HeapInUse() - start;
    }
    start = HeapInUse();
    size_t with_both = 0;
    {
      ViewIndex both;
      Build(corpus, 2, &both);
      with_both = HeapInUse() - start;
      benchmark::DoNotOptimize(both);
    }
    state.counters["entry_index_B"] = static_cast<double>(entries_alone) / n;
    state.counters["search_index_B"] = static_cast<double>(with_both - entries_alone) / n;
    state.counters["both_B"] = static_cast<double>(with_both) / n;
    // What the lock leaves: dropping the indexes must give every byte back.
    state.counters["left_after_drop"] =
        static_cast<double>(static_cast<int64_t>(HeapInUse() - start));
  }
}
BENCHMARK(BM_ViewIndexesHeap)
    ->Arg(100000)
    ->Arg(1000000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// Keeping the index in step with writes, as an import does: one upsert per
// entry, in time order.
void BM_ViewIndexUpserts(benchmark::State& state) {
  const Corpus& corpus = MakeCorpus(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    ViewIndex index;
    for (size_t i = 0; i < corpus.ids.size(); ++i) {
      index.Upsert(corpus.ids[i], static_cast<int64_t>(i) * 97'000'000, "letter", false,
                   SearchDoc{{corpus.texts[i]}, {}});
    }
    benchmark::DoNotOptimize(index);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(corpus.ids.size()));
}
BENCHMARK(BM_ViewIndexUpserts)
    ->Arg(100000)
    ->Arg(1000000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

void BM_SearchTwoWords(benchmark::State& state) {
  const Corpus& corpus = MakeCorpus(static_cast<size_t>(state.range(0)));
  ViewIndex index;
  Build(corpus, 2, &index);
  // A common and a middling word: hits some entries, not all.
  const std::vector<std::string> words{Word(3), Word(120)};
  size_t found = 0;
  for (auto _ : state) {
    auto matches = index.Search(words, {}, {}, 20);
    found = matches.size();
    benchmark::DoNotOptimize(matches);
  }
  state.counters["matches"] = static_cast<double>(found);
}
BENCHMARK(BM_SearchTwoWords)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace haven

BENCHMARK_MAIN();
